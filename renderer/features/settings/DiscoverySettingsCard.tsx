import type { FormEvent } from 'react';
import { DiscoverySettingsSchema } from '../../../shared/discovery';
import type { SettingsState } from '../../../shared/settings';
import { useUpdateSettings } from '../../api/hooks';
import { Field } from '../../components/Field';
import { FormFooter } from './FormFooter';
import { useEdits } from '../../hooks/use-edits';

const IntervalSchema = DiscoverySettingsSchema.shape.intervalSec;

/** How often discovery scans for servers started outside the app; the endpoints themselves are added on the Providers page. */
export function DiscoverySettingsCard({ state }: { state: SettingsState }) {
  const update = useUpdateSettings();
  const saved = state.values.discovery;
  // What the user typed, until saved; otherwise the interval follows the host.
  const { edits, edit, clear, baseRevision, settled } = useEdits<{ interval: string }>(state.revision);
  const interval = edits.interval ?? String(saved.intervalSec);
  const parsed = IntervalSchema.safeParse(interval.trim() === '' ? Number.NaN : Number(interval));
  const problem = parsed.success ? undefined : 'A whole number of seconds from 0 (off) to 3600.';
  const dirty = interval !== String(saved.intervalSec);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The interval alone: the endpoints are edited elsewhere, and a stale copy here would undo that.
    if (parsed.success && dirty) update.mutate({ discovery: { intervalSec: parsed.data }, baseRevision }, settled);
  };
  return (
    <form className="card settings-form" onSubmit={submit} noValidate aria-label="Discovery" data-testid="discovery-settings">
      <header className="card-header">
        <h2>Discovery</h2>
        <span className="card-meta">
          {saved.endpoints.length} endpoint{saved.endpoints.length === 1 ? '' : 's'} added ·{' '}
          <a href="#/providers">add or remove on Providers</a>
        </span>
      </header>
      <Field
        id="setting-discovery-interval"
        label="Scan every"
        description="Seconds between scans of the default ports and your endpoints for servers started outside the app. 0 scans only at start and on Scan now."
        source={null}
        error={problem}
      >
        <input
          id="setting-discovery-interval"
          className="input input-number"
          inputMode="numeric"
          aria-invalid={problem ? 'true' : undefined}
          data-testid="setting-discovery-interval"
          value={interval}
          onChange={(e) => edit({ interval: e.target.value })}
        />
      </Field>
      <FormFooter
        update={update}
        dirty={dirty}
        invalid={!parsed.success}
        canDiscard={dirty}
        onDiscard={clear}
        testIdPrefix="discovery-settings"
      />
    </form>
  );
}
