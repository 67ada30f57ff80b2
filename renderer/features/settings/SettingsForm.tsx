import { BASE_DIR_ENV_VAR, type SettingsState } from '../../../shared/settings';
import { Field } from '../../components/Field';
import { buildPatch, draftFrom, SECONDS_LIMITS, validate } from './draft';
import { FormFooter } from './FormFooter';
import { describedBy, NumberSettings, Toggle } from './SettingInputs';
import { SourceLabel } from './SourceLabel';
import { useSettingsForm } from './use-settings-form';

const SECONDS = [
  {
    key: 'startupTimeoutSec',
    label: 'Startup timeout',
    description: 'How long a provider may take to become healthy before it counts as failed.',
  },
  { key: 'healthIntervalSec', label: 'Health check interval', description: 'How often running providers are probed.' },
] as const;

export function SettingsForm({ state }: { state: SettingsState }) {
  const { draft, errors, edit, edited, onSubmit, footer } = useSettingsForm(state, { draftFrom, validate, buildPatch });
  const baseDirFromEnv = state.baseDir.source === 'env';
  const toggle = (key: 'autoStart' | 'closeToTray' | 'launchAtLogin', label: string, description: string) => (
    <Field
      id={`setting-${key}`}
      label={label}
      description={description}
      source={<SourceLabel field={key} source={state.sources[key]} edited={edited(key)} />}
    >
      <Toggle
        id={`setting-${key}`}
        describedBy={`setting-${key}-description`}
        checked={draft[key]}
        onChange={(on) => edit({ [key]: on })}
      />
    </Field>
  );

  return (
    <form className="card settings-form" onSubmit={onSubmit} noValidate>
      <Field
        id="setting-baseDir"
        label="Base directory"
        description="Where providers, models, logs and configuration live."
        source={<SourceLabel field="baseDir" source={state.baseDir.source} edited={!baseDirFromEnv && edited('baseDir')} />}
        error={baseDirFromEnv ? undefined : errors.baseDir}
        notes={
          <>
            <p className="field-note">
              In use: <code data-testid="baseDir-path">{state.baseDir.path}</code>
            </p>
            {baseDirFromEnv && <p className="field-note">Set by {BASE_DIR_ENV_VAR}</p>}
            {state.baseDir.pending && (
              <p className="field-note field-note-warning" data-testid="baseDir-pending">
                Takes effect after restart: <code>{state.baseDir.pending}</code>
              </p>
            )}
          </>
        }
      >
        <input
          id="setting-baseDir"
          data-testid="setting-baseDir"
          className="input input-wide"
          type="text"
          spellCheck={false}
          value={baseDirFromEnv ? state.baseDir.path : draft.baseDir}
          disabled={baseDirFromEnv}
          aria-invalid={!baseDirFromEnv && Boolean(errors.baseDir)}
          aria-describedby={describedBy('setting-baseDir', errors.baseDir)}
          onChange={(event) => edit({ baseDir: event.target.value })}
        />
      </Field>

      {toggle('autoStart', 'Start providers automatically', 'Start again the providers that were running when the app last quit.')}

      <NumberSettings
        fields={SECONDS}
        state={state}
        draft={draft}
        errors={errors}
        limits={() => SECONDS_LIMITS}
        edited={edited}
        onChange={(key, value) => edit({ [key]: value })}
      />

      {toggle('closeToTray', 'Close to tray', 'Closing the window keeps the app and its providers running in the tray (desktop only).')}
      {toggle('launchAtLogin', 'Launch at login', 'Start the app when you log in to this computer (desktop only).')}

      <FormFooter {...footer} testIdPrefix="settings" />
    </form>
  );
}
