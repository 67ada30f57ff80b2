import type { FormEvent } from 'react';
import { FormFooter } from './FormFooter';
import { useUpdateSettings } from '../../api/hooks';
import { BASE_DIR_ENV_VAR, type SettingsState } from '../../../shared/settings';
import { buildPatch, draftFrom, validate, type Draft, type DraftKey } from './draft';
import { Field } from '../../components/Field';
import { SourceLabel } from './SourceLabel';
import { useEdits } from '../../hooks/use-edits';

export function SettingsForm({ state }: { state: SettingsState }) {
  // Only what the user touched; untouched fields keep following the host (e.g. another client's save).
  const { edits, edit: addEdit, clear, baseRevision, settled } = useEdits<Draft>(state.revision);
  const update = useUpdateSettings();

  const draft: Draft = { ...draftFrom(state), ...edits };
  const errors = validate(draft);
  const patch = buildPatch(draft, state);
  const dirty = Object.keys(patch).length > 0;
  const invalid = Object.keys(errors).length > 0;
  const baseDirFromEnv = state.baseDir.source === 'env';

  const edit = <K extends DraftKey>(key: K, value: Draft[K]) => {
    addEdit({ [key]: value } as Partial<Draft>);
    if (!update.isPending) update.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || invalid) return;
    update.mutate({ ...patch, baseRevision }, settled);
  };

  const describedBy = (id: DraftKey) => (errors[id] ? `setting-${id}-description setting-${id}-error` : `setting-${id}-description`);

  return (
    <form className="card settings-form" onSubmit={onSubmit} noValidate>
      <Field
        id="setting-baseDir"
        label="Base directory"
        description="Where providers, models, logs and configuration live."
        source={<SourceLabel field="baseDir" source={state.baseDir.source} />}
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
          aria-describedby={describedBy('baseDir')}
          onChange={(event) => edit('baseDir', event.target.value)}
        />
      </Field>

      <Field
        id="setting-autoStart"
        label="Start providers automatically"
        description="Start again the providers that were running when the app last quit."
        source={<SourceLabel field="autoStart" source={state.sources.autoStart} />}
      >
        <Toggle id="setting-autoStart" checked={draft.autoStart} onChange={(value) => edit('autoStart', value)} />
      </Field>

      <Field
        id="setting-startupTimeoutSec"
        label="Startup timeout"
        description="How long a provider may take to become healthy before it counts as failed."
        source={<SourceLabel field="startupTimeoutSec" source={state.sources.startupTimeoutSec} />}
        error={errors.startupTimeoutSec}
      >
        <SecondsInput
          id="setting-startupTimeoutSec"
          value={draft.startupTimeoutSec}
          invalid={Boolean(errors.startupTimeoutSec)}
          describedBy={describedBy('startupTimeoutSec')}
          onChange={(value) => edit('startupTimeoutSec', value)}
        />
      </Field>

      <Field
        id="setting-healthIntervalSec"
        label="Health check interval"
        description="How often running providers are probed."
        source={<SourceLabel field="healthIntervalSec" source={state.sources.healthIntervalSec} />}
        error={errors.healthIntervalSec}
      >
        <SecondsInput
          id="setting-healthIntervalSec"
          value={draft.healthIntervalSec}
          invalid={Boolean(errors.healthIntervalSec)}
          describedBy={describedBy('healthIntervalSec')}
          onChange={(value) => edit('healthIntervalSec', value)}
        />
      </Field>

      <Field
        id="setting-closeToTray"
        label="Close to tray"
        description="Closing the window keeps the app and its providers running in the tray (desktop only)."
        source={<SourceLabel field="closeToTray" source={state.sources.closeToTray} />}
      >
        <Toggle id="setting-closeToTray" checked={draft.closeToTray} onChange={(value) => edit('closeToTray', value)} />
      </Field>

      <FormFooter
        update={update}
        dirty={dirty}
        invalid={invalid}
        canDiscard={Object.keys(edits).length > 0}
        onDiscard={clear}
        testIdPrefix="settings"
      />
    </form>
  );
}

function Toggle({ id, checked, onChange }: { id: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <input
      id={id}
      data-testid={id}
      className="toggle"
      type="checkbox"
      role="switch"
      checked={checked}
      aria-describedby={`${id}-description`}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}

interface SecondsInputProps {
  id: string;
  value: string;
  invalid: boolean;
  describedBy: string;
  onChange: (value: string) => void;
}

function SecondsInput({ id, value, invalid, describedBy, onChange }: SecondsInputProps) {
  return (
    <span className="input-with-unit">
      <input
        id={id}
        data-testid={id}
        className="input input-number"
        type="number"
        inputMode="numeric"
        min={1}
        max={3600}
        step={1}
        value={value}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
      />
      <span className="unit">seconds</span>
    </span>
  );
}
