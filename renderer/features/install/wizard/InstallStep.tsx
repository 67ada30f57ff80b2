import type { ProviderSummary } from '../../../../shared/provider';
import { useInstallRuns, useStartInstall } from '../../../api/install-hooks';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { InstallRunCard } from './InstallRunCard';

/** Step 4: install what was chosen, one after the other, with every step, its progress and the live log. */
export function InstallStep({ providers, selected }: { providers: ProviderSummary[]; selected: string[] }) {
  const runs = useInstallRuns();
  const start = useStartInstall();
  const name = (id: string) => providers.find((p) => p.id === id)?.name ?? id;
  const shown = (runs.data ?? []).filter((r) => selected.includes(r.providerId) || r.status !== 'done');
  const waiting = selected.filter((id) => {
    const run = runs.data?.find((r) => r.providerId === id);
    const status = providers.find((p) => p.id === id)?.state.status;
    return !run && status === 'not-installed';
  });
  return (
    <div className="wizard-step" data-testid="wizard-install">
      {waiting.length > 0 && (
        <div className="wizard-install-start">
          <p className="lead">Ready to install {waiting.map(name).join(', ')}.</p>
          <button
            type="button"
            className="button button-primary"
            data-testid="wizard-install-start"
            disabled={start.isPending}
            onClick={() => start.mutate(waiting)}
          >
            Install {waiting.length === 1 ? name(waiting[0]!) : `${waiting.length} providers`}
          </button>
        </div>
      )}
      {start.error && <ErrorNotice error={start.error} title="Could not start the install" testId="wizard-install-error" />}
      {shown.length === 0 && waiting.length === 0 && <p className="muted">Nothing to install: go back and choose providers, or go on.</p>}
      {shown.map((run) => (
        <InstallRunCard key={run.providerId} run={run} name={name(run.providerId)} />
      ))}
    </div>
  );
}
