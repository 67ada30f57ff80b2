import type { FormEvent } from 'react';
import { FormFooter } from './FormFooter';
import { ALERT_KINDS, type AlertKind } from '../../../shared/resources';
import type { SettingsState } from '../../../shared/settings';
import { useUpdateSettings } from '../../api/hooks';
import { Field } from '../../components/Field';
import {
  buildResourcePatch,
  LIMITS,
  resourceDraftFrom,
  validateResourceDraft,
  type ResourceDraft,
  type ResourceNumberKey,
} from './resource-draft';
import { SourceLabel } from './SourceLabel';
import { useEdits } from '../../hooks/use-edits';
import './resource-settings.css';

const NUMBERS: { key: ResourceNumberKey; label: string; description: string }[] = [
  {
    key: 'resourceIntervalSec',
    label: 'Sampling interval',
    description: 'How often CPU, memory, GPUs and providers are measured for the graphs and alerts.',
  },
  { key: 'alertRamPercent', label: 'Memory alert', description: 'Alert when this much of the RAM is in use.' },
  { key: 'alertVramPercent', label: 'VRAM alert', description: 'Alert when this much of any GPU’s memory is in use.' },
  {
    key: 'alertDiskFreeGiB',
    label: 'Low disk alert',
    description: 'Alert when the disk holding the base directory has less free space than this.',
  },
];

const NOTIFY_LABELS: Record<AlertKind, string> = {
  provider: 'A provider turns unhealthy or fails',
  ram: 'Memory passes its threshold',
  vram: 'VRAM passes its threshold',
  disk: 'Disk space runs low',
};

/** Resources and alerts: its own card and Save, so the main form stays as it was. */
export function ResourceSettingsForm({ state }: { state: SettingsState }) {
  const { edits, edit: addEdit, clear, baseRevision, settled } = useEdits<ResourceDraft>(state.revision);
  const update = useUpdateSettings();
  const draft: ResourceDraft = { ...resourceDraftFrom(state.values), ...edits };
  const errors = validateResourceDraft(draft);
  const patch = buildResourcePatch(draft, state.values);
  const dirty = Object.keys(patch).length > 0;
  const invalid = Object.keys(errors).length > 0;

  const edit = (next: Partial<ResourceDraft>) => {
    addEdit(next);
    if (!update.isPending) update.reset();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || invalid) return;
    update.mutate({ ...patch, baseRevision }, settled);
  };

  return (
    <form className="card settings-form" onSubmit={onSubmit} noValidate data-testid="resource-settings">
      <h2 className="settings-section-title">Resources and alerts</h2>
      {NUMBERS.map(({ key, label, description }) => {
        const id = `setting-${key}`;
        const { min, max, integer, unit } = LIMITS[key];
        return (
          <Field
            key={key}
            id={id}
            label={label}
            description={description}
            source={<SourceLabel field={key} source={state.sources[key]} />}
            error={errors[key]}
          >
            <span className="input-with-unit">
              <input
                id={id}
                data-testid={id}
                className="input input-number"
                type="number"
                inputMode={integer ? 'numeric' : 'decimal'}
                min={min}
                max={max}
                step={integer ? 1 : 0.5}
                value={draft[key]}
                aria-invalid={Boolean(errors[key])}
                aria-describedby={errors[key] ? `${id}-description ${id}-error` : `${id}-description`}
                onChange={(event) => edit({ [key]: event.target.value })}
              />
              <span className="unit">{unit}</span>
            </span>
          </Field>
        );
      })}
      <Field
        id="setting-notify-provider"
        label="Notify when"
        description="A desktop notification (a toast in the browser). Switch a kind off to mute it."
        source={<SourceLabel field="mutedAlerts" source={state.sources.mutedAlerts} />}
      >
        <div className="notify-list">
          {ALERT_KINDS.map((kind) => (
            <label key={kind} className="notify-option">
              <input
                id={`setting-notify-${kind}`}
                data-testid={`setting-notify-${kind}`}
                className="toggle"
                type="checkbox"
                role="switch"
                checked={draft.notify[kind]}
                onChange={(event) => edit({ notify: { ...draft.notify, [kind]: event.target.checked } })}
              />
              {NOTIFY_LABELS[kind]}
            </label>
          ))}
        </div>
      </Field>
      <FormFooter
        update={update}
        dirty={dirty}
        invalid={invalid}
        canDiscard={Object.keys(edits).length > 0}
        onDiscard={clear}
        testIdPrefix="resource-settings"
      />
    </form>
  );
}
