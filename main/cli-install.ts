import type { InstallRun } from '../shared/install';

const FINISHED = new Set<InstallRun['status']>(['done', 'failed', 'cancelled', 'rolled-back', 'interrupted']);

/** One line per step as it starts and ends; the failure with its log tail at the end. */
export function installPrinter(write: (line: string) => void = console.log) {
  const shown = new Map<string, string>();
  return (run: InstallRun) => {
    run.steps.forEach((step, i) => {
      const key = `${run.providerId}:${step.id}`;
      if (shown.get(key) === step.status || step.status === 'pending') return;
      shown.set(key, step.status);
      const mark = { running: '…', done: '✓', failed: '✗', cancelled: '–' }[step.status];
      write(`${run.providerId}: [${i + 1}/${run.steps.length}] ${mark} ${step.title}`);
    });
    if (!FINISHED.has(run.status) || shown.get(run.providerId) === run.status) return;
    shown.set(run.providerId, run.status);
    write(`${run.providerId}: ${run.action} ${run.status}${run.status === 'done' ? '' : `; log: ${run.logFile}`}`);
    if (run.failure) {
      write(`  step: ${run.failure.step}${run.failure.exitCode !== undefined ? ` (exit code ${run.failure.exitCode})` : ''}`);
      write(`  ${run.failure.message}`);
      for (const line of run.failure.logTail) write(`  | ${line}`);
    }
  };
}

/** Resolves with the final runs once every given provider's run has finished. */
export function waitForRuns(ids: string[], subscribe: (listener: (run: InstallRun) => void) => () => void): Promise<InstallRun[]> {
  const finished = new Map<string, InstallRun>();
  return new Promise((resolve) => {
    // Declared before subscribing: replayed events may call the listener before subscribe returns.
    let stop: (() => void) | undefined = undefined;
    let complete = false;
    stop = subscribe((run) => {
      if (complete || !ids.includes(run.providerId) || !FINISHED.has(run.status)) return;
      finished.set(run.providerId, run);
      if (finished.size < ids.length) return;
      complete = true;
      stop?.();
      resolve(ids.map((id) => finished.get(id)!));
    });
    // Every run may have finished while subscribing (replayed events).
    if (complete) stop();
  });
}
