import { useState } from 'react';
import type { InstallRun } from '../../../../shared/install';
import { useInstallAction, useStartInstall, type InstallAction } from '../../../api/install-hooks';
import { ActionButton } from '../../../components/ActionButton';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { LogPanel } from '../../../components/log-panel/LogPanel';

const STEP_MARK: Record<InstallRun['steps'][number]['status'], string> = {
  pending: '○',
  running: '◐',
  done: '✓',
  failed: '✗',
  cancelled: '–',
};

const RUN_LABEL: Record<InstallRun['status'], string> = {
  queued: 'Waiting',
  running: 'Installing',
  done: 'Installed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  'rolled-back': 'Rolled back',
};

/** One provider's install: its steps with progress, the live log, and what can be done now. */
export function InstallRunCard({ run, name }: { run: InstallRun; name: string }) {
  const action = useInstallAction();
  const retry = useStartInstall();
  const act = (kind: InstallAction) => action.mutate({ id: run.providerId, action: kind });
  const active = run.status === 'queued' || run.status === 'running';
  const doneSteps = run.steps.filter((s) => s.status === 'done').length;
  const [logOpenAtMount] = useState(active);
  return (
    <article className="card install-run" data-testid={`install-run-${run.providerId}`} data-status={run.status}>
      <header className="card-header">
        <h3>{name}</h3>
        <span className={`chip install-status-${run.status}`} data-testid="install-run-status">
          {RUN_LABEL[run.status]}
        </span>
        <span className="card-meta">
          step {Math.min(run.current + 1, run.steps.length)} of {run.steps.length} · {doneSteps} done
        </span>
        <div className="install-run-actions">
          {active && (
            <ActionButton small testId="install-cancel" disabled={action.isPending} onClick={() => act('cancel')}>
              Cancel
            </ActionButton>
          )}
          {run.status === 'interrupted' && (
            <>
              <ActionButton variant="primary" small testId="install-resume" disabled={action.isPending} onClick={() => act('resume')}>
                Resume
              </ActionButton>
              <ActionButton small testId="install-rollback" disabled={action.isPending} onClick={() => act('rollback')}>
                Roll back
              </ActionButton>
            </>
          )}
          {(run.status === 'failed' || run.status === 'cancelled' || run.status === 'rolled-back') && (
            <ActionButton
              variant="primary"
              small
              testId="install-retry"
              disabled={retry.isPending}
              onClick={() => retry.mutate([run.providerId])}
            >
              Retry
            </ActionButton>
          )}
        </div>
      </header>
      <ol className="install-steps">
        {run.steps.map((step) => (
          <li
            key={step.id}
            className={`install-step install-step-${step.status}`}
            data-testid={`install-step-${step.id}`}
            data-status={step.status}
          >
            <span className="install-step-mark" aria-hidden="true">
              {STEP_MARK[step.status]}
            </span>
            <span className="install-step-title">{step.title}</span>
            {step.status === 'running' && (
              <span className="install-step-progress">
                <progress max={100} value={step.percent} data-testid="install-step-progress" />
                {step.detail && <span className="muted mono">{step.detail}</span>}
              </span>
            )}
          </li>
        ))}
      </ol>
      {run.failure && (
        <div className="notice notice-error" data-testid="install-failure">
          <strong className="notice-title">
            {run.failure.step} failed{run.failure.exitCode !== undefined ? ` (exit code ${run.failure.exitCode})` : ''}; everything it
            created was removed.
          </strong>
          <p className="notice-message">{run.failure.message}</p>
          <pre className="install-log-tail" data-testid="install-log-tail">
            {run.failure.logTail.join('\n')}
          </pre>
        </div>
      )}
      {action.error && <ErrorNotice error={action.error} title="Could not do that" testId="install-action-error" />}
      {retry.error && <ErrorNotice error={retry.error} title="Could not retry" testId="install-retry-error" />}
      {/* Open while it runs; the user's own open/close wins afterwards (the prop never changes after mount). */}
      <details className="install-log" open={logOpenAtMount}>
        <summary>Log ({run.logFile})</summary>
        <LogPanel providerId={`${run.providerId}-install`} />
      </details>
    </article>
  );
}
