import { useState } from 'react';
import type { BackupExtra, RestorePlan } from '../../../shared/backup';
import { useCreateBackup, useInspectBackup, useRestoreBackup } from '../../api/backup-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { download, fromBase64, toBase64 } from '../../components/file-bytes';
import './backup.css';

const CHANGE_LABEL = { add: 'add', replace: 'replace', remove: 'remove', same: 'same' } as const;

/**
 * Settings → Backup & restore: download config/ as one .tar.gz; upload one, see what it would
 * change (checked on the host, nothing touched), then restore it. API keys are never in a backup.
 */
export function BackupRestoreCard() {
  const create = useCreateBackup();
  const inspect = useInspectBackup();
  const restore = useRestoreBackup();
  const [upload, setUpload] = useState<{ name: string; data: string } | undefined>();
  const [reinstall, setReinstall] = useState(false);
  const [readError, setReadError] = useState<string | undefined>();
  const [include, setInclude] = useState<BackupExtra[]>([]);
  const toggle = (area: BackupExtra, on: boolean) => setInclude((now) => (on ? [...now, area] : now.filter((a) => a !== area)));

  const makeBackup = () => create.mutate(include, { onSuccess: (made) => made.data && download(fromBase64(made.data), made.fileName) });

  const choose = async (file: File | undefined) => {
    restore.reset();
    inspect.reset();
    setUpload(undefined);
    setReadError(undefined);
    if (!file) return;
    try {
      const data = toBase64(new Uint8Array(await file.arrayBuffer()));
      setUpload({ name: file.name, data });
      inspect.mutate({ data });
    } catch (error) {
      setReadError(`Could not read ${file.name}: ${(error as Error).message}`);
    }
  };

  const plan = inspect.data;
  return (
    <section className="card settings-form" aria-label="Backup & restore" data-testid="backup-card">
      <h2 className="settings-section-title">Backup &amp; restore</h2>
      <p className="field-description backup-intro">
        config/: settings, custom recipes, providers’ config files · logs and data only when ticked · never API keys
      </p>
      <div className="backup-body">
        <div className="backup-row" data-testid="backup-include">
          {(['logs', 'data'] as const).map((area) => (
            <label key={area} className="backup-row">
              <input
                type="checkbox"
                checked={include.includes(area)}
                onChange={(e) => toggle(area, e.target.checked)}
                data-testid={`backup-include-${area}`}
              />
              also {area}
            </label>
          ))}
          <label className="backup-row" title="Models are GBs: too big for a browser download.">
            <input type="checkbox" checked={false} disabled data-testid="backup-include-models" />
            also models
          </label>
        </div>
        <p className="card-meta">
          Models are GBs, too big for a download here: back them up on the host’s machine with{' '}
          <code>local-llm-manager backup &lt;file&gt; --include models</code>. A download is at most 16 MiB.
        </p>
        <div className="backup-row">
          <button
            type="button"
            className="button button-secondary"
            onClick={makeBackup}
            disabled={create.isPending}
            data-testid="backup-download"
          >
            {create.isPending ? 'Making backup…' : 'Download backup'}
          </button>
          {create.data && (
            <span className="card-meta" data-testid="backup-made">
              {create.data.fileName}: {create.data.manifest.files.length} files, {create.data.manifest.providers.length} installed
              provider(s) listed
            </span>
          )}
        </div>
        {create.data?.warnings.map((w) => (
          <p key={w} className="notice notice-warning">
            {w}
          </p>
        ))}
        {create.error && <ErrorNotice error={create.error} title="No backup made" />}

        <div className="backup-row">
          <label className="button button-secondary" htmlFor="backup-upload">
            Restore from a file…
          </label>
          <input
            id="backup-upload"
            className="backup-file-input"
            type="file"
            accept=".gz,.tgz,application/gzip"
            data-testid="backup-upload"
            onChange={(e) => void choose(e.target.files?.[0])}
          />
          {upload && <span className="card-meta">{upload.name}</span>}
        </div>
        {readError && <p className="notice notice-error">{readError}</p>}
        {inspect.isPending && <p className="card-meta">Checking the archive…</p>}
        {inspect.error && <ErrorNotice error={inspect.error} title="This backup cannot be restored" testId="backup-refused" />}
        {plan && upload && !restore.data && (
          <div data-testid="backup-plan">
            <PlanView plan={plan} />
            {plan.toInstall.length > 0 && (
              <label className="backup-row">
                <input
                  type="checkbox"
                  checked={reinstall}
                  onChange={(e) => setReinstall(e.target.checked)}
                  data-testid="backup-reinstall"
                />
                Then install {plan.toInstall.join(', ')}
              </label>
            )}
            <button
              type="button"
              className="button button-primary"
              disabled={restore.isPending}
              onClick={() => restore.mutate({ data: upload.data, reinstall })}
              data-testid="backup-restore"
            >
              {restore.isPending ? 'Restoring…' : 'Restore'}
            </button>
          </div>
        )}
        {restore.error && <ErrorNotice error={restore.error} title="Not restored" testId="backup-restore-error" />}
        {restore.data && (
          <p className="notice notice-success" role="status" data-testid="backup-restored">
            Restored {restore.data.files.filter((f) => f.change !== 'same').length} file(s).
            {restore.data.keptAside && ` What it replaced is kept in ${restore.data.keptAside}.`}
            {restore.data.extrasKeptAside && ` Replaced logs/data/models files are kept in ${restore.data.extrasKeptAside.join(', ')}.`}
            {restore.data.installing.length > 0 && ` Installing ${restore.data.installing.join(', ')} (see Providers).`}
          </p>
        )}
      </div>
    </section>
  );
}

function PlanView({ plan }: { plan: RestorePlan }) {
  const changes = [
    ...plan.files.filter((f) => f.change !== 'same').map((f) => ({ ...f, path: `config/${f.path}` })),
    ...(plan.extraFiles ?? []).filter((f) => f.change !== 'same'),
  ];
  return (
    <div className="backup-plan">
      <p>
        Backup of {new Date(plan.manifest.createdAt).toLocaleString()} ({plan.manifest.app.name} {plan.manifest.app.version}),{' '}
        {plan.manifest.files.length} files. {changes.length === 0 ? 'config/ already holds exactly this.' : 'Restoring it will:'}
      </p>
      {changes.length > 0 && (
        <ul className="backup-changes">
          {changes.map((f) => (
            <li key={f.path} className={`backup-change-${f.change}`}>
              {CHANGE_LABEL[f.change]} {f.path}
            </li>
          ))}
        </ul>
      )}
      {plan.trustedRecipes.length > 0 && (
        <p className="notice notice-warning">
          It confirms the custom recipes {plan.trustedRecipes.join(', ')}: their commands will run without asking again.
        </p>
      )}
      {plan.otherVersion.map((v) => (
        <p key={v.id} className="card-meta">
          {v.id} is installed here at {v.here ?? 'an unknown version'}; the backup had {v.backup ?? 'an unknown version'}.
        </p>
      ))}
    </div>
  );
}
