import { useCreateDiagnostics } from '../../api/diagnostics-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { download, fromBase64 } from '../../components/file-bytes';
import './backup.css';

/**
 * Settings → Diagnostics: one archive to attach to a bug report (the desktop app also has it as
 * Help → Save diagnostics). Made on the host, secrets removed there; the page only downloads it.
 */
export function DiagnosticsCard() {
  const create = useCreateDiagnostics();
  const save = () => create.mutate(undefined, { onSuccess: (made) => made.data && download(fromBase64(made.data), made.fileName) });
  return (
    <section className="card settings-form" aria-label="Diagnostics" data-testid="diagnostics-card">
      <h2 className="settings-section-title">Diagnostics</h2>
      <p className="field-description backup-intro">
        For a bug report: the app log, the last lines of each provider’s log, settings with API keys and tokens removed, the system check
        and versions
      </p>
      <div className="backup-row">
        <button type="button" className="button button-secondary" onClick={save} disabled={create.isPending} data-testid="diagnostics-save">
          {create.isPending ? 'Collecting…' : 'Save diagnostics'}
        </button>
        {create.data && (
          <span className="card-meta" data-testid="diagnostics-made">
            {create.data.fileName}: {create.data.contents.length} files
          </span>
        )}
      </div>
      {create.error && <ErrorNotice error={create.error} title="No diagnostics made" />}
    </section>
  );
}
