import { AppFailure } from '../../../shared/errors';
import type { Settings } from '../../../shared/settings';

/** The part of the settings service the endpoint list needs. */
export interface SettingsStore {
  /** Runs `change` against the latest values inside the settings' write queue. */
  edit(change: (values: Settings) => Partial<Settings>): Promise<unknown>;
}

/** Saves a normalised host:port in `discovery.endpoints`; one already there is left as is. */
export async function addEndpoint(settings: SettingsStore, endpoint: string): Promise<void> {
  await settings.edit(({ discovery }) =>
    discovery.endpoints.includes(endpoint) ? {} : { discovery: { ...discovery, endpoints: [...discovery.endpoints, endpoint] } },
  );
}

export async function removeEndpoint(settings: SettingsStore, endpoint: string): Promise<void> {
  await settings.edit(({ discovery }) => {
    if (!discovery.endpoints.includes(endpoint)) {
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: `${endpoint} is not among the saved endpoints.`,
        hint: discovery.endpoints.length ? `Saved: ${discovery.endpoints.join(', ')}.` : 'No endpoints are saved.',
      });
    }
    return { discovery: { ...discovery, endpoints: discovery.endpoints.filter((e) => e !== endpoint) } };
  });
}
