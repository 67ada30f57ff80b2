import { FormFooter } from './FormFooter';
import { ALERT_KINDS, type AlertKind } from '../../../shared/resources';
import type { SettingsState } from '../../../shared/settings';
import { Field } from '../../components/Field';
import {
  buildResourcePatch,
  LIMITS,
  resourceDraftFrom,
  validateResourceDraft,
  type ResourceDraft,
  type ResourceNumberKey,
} from './resource-draft';
import { NumberSettings, Toggle } from './SettingInputs';
import { SourceLabel } from './SourceLabel';
import { useSettingsForm, type DraftRules } from './use-settings-form';
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

const RULES: DraftRules<ResourceDraft> = {
  draftFrom: (state) => resourceDraftFrom(state.values),
  validate: validateResourceDraft,
  buildPatch: (draft, state) => buildResourcePatch(draft, state.values),
};

const NOTIFY_LABELS: Record<AlertKind, string> = {
  provider: 'A provider turns unhealthy or fails',
  ram: 'Memory passes its threshold',
  vram: 'VRAM passes its threshold',
  disk: 'Disk space runs low',
};

/** Resources and alerts: its own card and Save, so the main form stays as it was. */
export function ResourceSettingsForm({ state }: { state: SettingsState }) {
  const { draft, errors, edit, edited, onSubmit, footer } = useSettingsForm(state, RULES);

  return (
    <form className="card settings-form" onSubmit={onSubmit} noValidate data-testid="resource-settings">
      <h2 className="settings-section-title">Resources and alerts</h2>
      <NumberSettings
        fields={NUMBERS}
        state={state}
        draft={draft}
        errors={errors}
        limits={(key) => LIMITS[key]}
        edited={edited}
        onChange={(key, value) => edit({ [key]: value })}
      />
      <Field
        id="setting-notify-provider"
        label="Notify when"
        description="A desktop notification (a toast in the browser). Switch a kind off to mute it."
        source={<SourceLabel field="mutedAlerts" source={state.sources.mutedAlerts} edited={edited('notify')} />}
      >
        <div className="notify-list">
          {ALERT_KINDS.map((kind) => (
            <label key={kind} className="notify-option">
              <Toggle
                id={`setting-notify-${kind}`}
                checked={draft.notify[kind]}
                onChange={(on) => edit({ notify: { ...draft.notify, [kind]: on } })}
              />
              {NOTIFY_LABELS[kind]}
            </label>
          ))}
        </div>
      </Field>
      <FormFooter {...footer} testIdPrefix="resource-settings" />
    </form>
  );
}
