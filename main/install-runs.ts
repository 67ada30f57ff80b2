import type { InstallRun } from '../shared/install';

/** Statuses an install run ends in. */
export const FINISHED: ReadonlySet<InstallRun['status']> = new Set<InstallRun['status']>([
  'done',
  'failed',
  'cancelled',
  'rolled-back',
  'interrupted',
]);

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
