/**
 * Waits until none of `pids` runs, looking every 50 ms, for at most `ms`; resolves with whether
 * they all went. Timed by performance.now(): a wall clock set meanwhile must neither end a stop's
 * grace at once nor stretch it by as much as the clock moved.
 */
export async function waitGone(pids: Iterable<number>, ms: number, isRunning: (pid: number) => boolean): Promise<boolean> {
  const watched = [...pids];
  const deadline = performance.now() + ms;
  for (;;) {
    if (watched.every((pid) => !isRunning(pid))) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
