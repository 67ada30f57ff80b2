import { useState, type FormEvent } from 'react';
import { useHelixExport } from '../../api/backup-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';

/**
 * Settings → Export for HelixCode: the llm.providers block from what is installed (enabled while
 * healthy) and the gateway; merged into HelixCode's config.yaml on the host's machine when a path
 * is given (preview first, then write; its other keys and comments are kept).
 */
export function HelixExportCard() {
  const exporter = useHelixExport();
  const [file, setFile] = useState('');
  const path = file.trim();
  const absolute = path === '' || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
  const run = (write: boolean) => exporter.mutate({ file: path || undefined, write });
  const preview = (event: FormEvent) => {
    event.preventDefault();
    if (absolute) run(false);
  };
  const result = exporter.data;
  return (
    <form className="card settings-form" onSubmit={preview} aria-label="Export for HelixCode" data-testid="helix-export">
      <h2 className="settings-section-title">Export for HelixCode</h2>
      <p className="field-description backup-intro">the llm.providers block of HelixCode’s config/config.yaml</p>
      <div className="backup-body">
        <div className="backup-row">
          <input
            className="input"
            placeholder="HelixCode’s config.yaml on this machine (optional), e.g. /home/me/helixcode/config/config.yaml"
            aria-label="HelixCode config.yaml"
            aria-invalid={absolute ? undefined : 'true'}
            value={file}
            onChange={(e) => setFile(e.target.value)}
            data-testid="helix-export-file"
          />
          <button
            type="submit"
            className="button button-secondary"
            disabled={!absolute || exporter.isPending}
            data-testid="helix-export-preview"
          >
            Preview
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!path || !absolute || exporter.isPending}
            onClick={() => run(true)}
            data-testid="helix-export-write"
          >
            Write
          </button>
        </div>
        {!absolute && <p className="field-error">Give an absolute path (it is read and written by the host).</p>}
        {exporter.error && <ErrorNotice error={exporter.error} title="Not exported" />}
        {result?.file && (
          <p className="notice notice-success" role="status" data-testid="helix-export-written">
            Wrote {result.file}
            {result.keptAside ? `; the old one is ${result.keptAside}` : ''}.
          </p>
        )}
        {result?.notes.map((note) => (
          <p key={note} className="card-meta">
            {note}
          </p>
        ))}
        {result && (
          <pre className="helix-export-yaml" data-testid="helix-export-yaml">
            {result.yaml}
          </pre>
        )}
      </div>
    </form>
  );
}
