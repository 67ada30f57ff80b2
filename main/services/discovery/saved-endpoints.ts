import { AppFailure } from '../../../shared/errors';
import type { Settings, SettingsPatch } from '../../../shared/settings';

/** The part of the settings service the endpoint list needs. */
export interface SettingsStore {
  readonly values: Settings;
  update(patch: SettingsPatch): Promise<unknown>;
}

/** Saves a normalised host:port in `discovery.endpoints`; one already there is left as is. */
export async function addEndpoint(settings: SettingsStore, endpoint: string): Promise<void> {
  const discovery = settings.values.discovery;
  if (discovery.endpoints.includes(endpoint)) return;
  await settings.update({ discovery: { ...discovery, endpoints: [...discovery.endpoints, endpoint] } });
}

export async function removeEndpoint(settings: SettingsStore, endpoint: string): Promise<void> {
  const discovery = settings.values.discovery;
  if (!discovery.endpoints.includes(endpoint)) {
    throw new AppFailure({
      code: 'NOT_FOUND',
      message: `${endpoint} is not among the saved endpoints.`,
      hint: discovery.endpoints.length ? `Saved: ${discovery.endpoints.join(', ')}.` : 'No endpoints are saved.',
    });
  }
  await settings.update({ discovery: { ...discovery, endpoints: discovery.endpoints.filter((e) => e !== endpoint) } });
}
