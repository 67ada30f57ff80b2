import { LOG_LEVELS, type LogLevel, type SettingsState } from '../../../shared/settings';
import { useAppInfo, useUpdateSettings } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { SourceLabel } from './SourceLabel';
import './backup.css';

const DESCRIPTIONS: Record<LogLevel, string> = {
  error: 'errors only',
  warn: 'warnings and errors',
  info: 'start, stop, restores and errors',
  debug: 'everything, with every request the host handles',
};

/** The app's own log (shared with the desktop app; where it is comes from the host): how much it writes. Saved at once; applies at once. */
export function LogLevelCard({ state }: { state: SettingsState }) {
  const update = useUpdateSettings();
  const app = useAppInfo();
  return (
    <section className="card settings-form" aria-label="App log" data-testid="log-level-card">
      <h2 className="settings-section-title">App log</h2>
      <p className="field-description backup-intro" data-testid="app-log-file">
        {app.data ? (
          <>
            Written to <code>{app.data.appLogFile}</code>
          </>
        ) : (
          'Where it is written shows once the host answers.'
        )}
      </p>
      <Field
        id="setting-logLevel"
        label="Log level"
        description="Debug logs each request the host handles (never its content); HELIX_LOCAL_LLM_LOG_LEVEL or serve --log-level set the default."
        source={<SourceLabel field="logLevel" source={state.sources.logLevel} />}
      >
        <select
          id="setting-logLevel"
          className="input select"
          value={state.values.logLevel}
          disabled={update.isPending}
          data-testid="setting-logLevel"
          onChange={(e) => update.mutate({ logLevel: e.target.value as LogLevel, baseRevision: state.revision })}
        >
          {LOG_LEVELS.map((level) => (
            <option key={level} value={level}>
              {level} — {DESCRIPTIONS[level]}
            </option>
          ))}
        </select>
      </Field>
      {update.error && <ErrorNotice error={update.error} title="Not saved" />}
    </section>
  );
}
