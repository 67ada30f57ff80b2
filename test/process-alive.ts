import { readFileSync } from 'node:fs';

/**
 * Whether a process still runs. A killed orphan whose new parent never reaps it stays a zombie
 * (seen in containers whose PID 1 is not an init); it holds nothing, so it counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
