import { spawn } from 'node:child_process';

/**
 * Kills a child and everything it started. On POSIX the child must have been spawned with
 * `detached: true` (its own process group), so a wrapper script's grandchildren die with it;
 * on Windows `taskkill /T` walks the tree.
 */
export function killTree(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone, or not a group leader: fall back to the child alone.
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
