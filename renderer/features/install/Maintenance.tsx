import { useState } from 'react';
import type { CleanupReport } from '../../../shared/install';
import { useCleanup, useInstallAction, useUninstall } from '../../api/install-hooks';
import { useProviders } from '../../api/provider-hooks';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../../shared/format-bytes';
import { VersionChip } from '../../components/VersionChip';

/** Installed providers: update to the pinned version, uninstall (config kept or not); and the spec's Cleanup. */
export function Maintenance() {
  const providers = useProviders();
  const update = useInstallAction();
  const uninstall = useUninstall();
  const cleanup = useCleanup();
  const [keepConfig, setKeepConfig] = useState(true);
  const [report, setReport] = useState<CleanupReport | undefined>(undefined);
  const installed = (providers.data?.providers ?? []).filter(
    (p) => ['git', 'python', 'binary'].includes(p.installStrategy) && !['not-installed', 'installing'].includes(p.state.status),
  );
  return (
    <section className="card" data-testid="install-maintenance" aria-label="Installed providers">
      <header className="card-header">
        <h2>Installed providers</h2>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={keepConfig}
            onChange={(e) => setKeepConfig(e.target.checked)}
            data-testid="uninstall-keep-config"
          />{' '}
          keep config when uninstalling
        </label>
      </header>
      {installed.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="maintenance-list">
          {installed.map((p) => (
            <li key={p.id} data-testid={`maintenance-${p.id}`}>
              <strong>{p.name}</strong> {p.version && <VersionChip version={p.version} />}
              <ActionButton small disabled={update.isPending} onClick={() => update.mutate({ id: p.id, action: 'update' })}>
                Update
              </ActionButton>
              <ActionButton
                small
                testId="uninstall"
                disabled={uninstall.isPending}
                onClick={() => uninstall.mutate({ id: p.id, keepConfig })}
              >
                Uninstall
              </ActionButton>
            </li>
          ))}
        </ul>
      )}
      {update.error && <ErrorNotice error={update.error} title="Could not update" />}
      {uninstall.error && <ErrorNotice error={uninstall.error} title="Could not uninstall" />}
      <footer className="maintenance-cleanup">
        <ActionButton testId="cleanup" disabled={cleanup.isPending} onClick={() => cleanup.mutate(undefined, { onSuccess: setReport })}>
          Clean up caches and leftovers
        </ActionButton>
        {report && (
          <span data-testid="cleanup-report">
            Freed {formatBytes(report.freedBytes)}
            {report.removed.length > 0 && ` (${report.removed.map((r) => r.why).join(', ')})`}.
          </span>
        )}
        {cleanup.error && <ErrorNotice error={cleanup.error} title="Could not clean up" />}
      </footer>
    </section>
  );
}
