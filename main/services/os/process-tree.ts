import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  descendantsIn,
  readProcessTable,
  readProcesses,
  sameProcess,
  startsMatch,
  treeMembers,
  type ProcessEntry,
  type ProcessStart,
} from './process-table';
import { taskkillCommand } from './process-table-win32';
import { stopTreeWindows } from './stop-tree-win32';
import { waitGone } from './wait-gone';

/**
 * Whether a process still runs. An orphan that was killed but never reaped (containers whose
 * PID 1 is not an init) stays a zombie; it holds no memory or port, so it counts as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat[stat.lastIndexOf(')') + 2];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The process, everything below it, and everything in its process group (POSIX), found now. */
export async function treeOf(pid: number): Promise<Set<number>> {
  return (await treeNow(pid)).members;
}

/** treeOf, with the table it was found in (undefined when the table could not be read). */
async function treeNow(pid: number): Promise<{ members: Set<number>; table?: Map<number, ProcessEntry> }> {
  // A kill must see every process started before it asked: no older read is reused.
  const table = await readProcessTable({ maxAgeMs: 0 });
  if (!table) return { members: new Set([pid]) };
  if (process.platform === 'win32') {
    // No groups; a parent link may dangle to a reused PID, so children are checked by start time.
    return { members: new Set([pid, ...descendantsIn(table, pid).map((child) => child.pid)]), table };
  }
  // The root may be gone already; its group may not be.
  return { members: treeMembers([pid], table.values()), table };
}

function signalAll(pids: Iterable<number>, groupLeader: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') return;
  try {
    process.kill(-groupLeader, signal);
  } catch {
    // No group left; individual members below.
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function groupExists(leader: number): boolean {
  try {
    process.kill(-leader, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a process and every process under it: SIGTERM to all, `graceMs` to exit, then SIGKILL to
 * whatever is left (a stuck CUDA server ignores SIGTERM). Children that left the group with
 * setsid are found through the parent links taken before the first signal, or passed in
 * `alsoKill` when the parent is already gone. Resolves with whether the kill was needed.
 * Windows (stop-tree-win32): taskkill, then taskkill /F; the options there tell whether the
 * root PID is still the process it was.
 */
export async function stopTree(
  pid: number,
  graceMs: number,
  alsoKill: Iterable<number> = [],
  options: { rootStartedAt?: number; rootExited?: boolean } = {},
): Promise<{ forced: boolean }> {
  const extras = [...alsoKill];
  if (process.platform === 'win32') return stopTreeWindows(pid, graceMs, extras, { isRunning, ...options });
  // A crashed provider with nothing left in its group needs no process listing (the common case
  // on a crash, and the restart is waiting on this).
  if (!isRunning(pid) && !groupExists(pid) && extras.every((p) => !isRunning(p))) return { forced: false };
  const targets = await treeOf(pid);
  for (const extra of extras) targets.add(extra);
  signalAll(targets, pid, 'SIGTERM');
  // A stopped (SIGSTOP) process cannot act on SIGTERM until it runs again.
  signalAll(targets, pid, 'SIGCONT');
  if (await waitGone(targets, graceMs, isRunning)) return { forced: false };
  for (const late of await treeOf(pid)) targets.add(late);
  signalAll(targets, pid, 'SIGKILL');
  await waitGone(targets, 5_000, isRunning);
  return { forced: true };
}

/**
 * Last resort at exit, when nothing can be awaited: SIGKILL the groups we started. Windows has no
 * groups and process.kill ends only the root, so one synchronous taskkill /T /F takes the trees.
 */
export function killGroupsNow(
  leaders: Iterable<number>,
  os: { platform?: NodeJS.Platform; spawnSync?: typeof spawnSync; isRunning?: (pid: number) => boolean } = {},
): void {
  if ((os.platform ?? process.platform) === 'win32') {
    const pids = [...leaders].filter((pid) => pid > 4 && (os.isRunning ?? isRunning)(pid));
    if (pids.length === 0) return;
    const command = taskkillCommand(pids, { force: true, tree: true });
    // Bounded: an exit handler must end even if taskkill hangs.
    (os.spawnSync ?? spawnSync)(command.file, command.args, { stdio: 'ignore', windowsHide: true, timeout: 10_000 });
    return;
  }
  for (const pid of leaders) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Last resort at exit for processes that lead no group (Electron utility processes, POSIX): SIGKILL
 * each by PID. Only for ones not yet seen to exit, so each PID is still theirs.
 */
export function killProcessesNow(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** A process's command line, as far as the OS lets us read it. */
export async function commandLineOf(pid: number): Promise<string | undefined> {
  return (await readProcesses([pid]))?.get(pid)?.command;
}

/**
 * Whether `pid` still runs the same program: a PID reused by something else since must be left
 * alone. With the start time recorded too (process-table), a reuse by the same command is told apart.
 */
export async function stillRuns(pid: number, command: string, start: ProcessStart = {}): Promise<boolean> {
  if (!isRunning(pid)) return false;
  return sameProcess({ command, ...start }, (await readProcesses([pid]))?.get(pid));
}

/**
 * The processes below `pid` now, with what names them (command, start time), for remembering:
 * a child that leaves the tree (setsid on POSIX; any orphan on Windows, whose parent link then
 * dangles) is still found through this list when it must be stopped.
 */
export async function descendantsOf(pid: number, rootStartedAt?: number): Promise<ProcessEntry[]> {
  if (process.platform === 'win32') {
    const table = await readProcessTable({ maxAgeMs: 0 });
    const root = table?.get(pid);
    if (!table || (root && !startsMatch(rootStartedAt, root.startedAt))) return [];
    return descendantsIn(table, pid, rootStartedAt);
  }
  const { members, table } = await treeNow(pid);
  return [...members]
    .filter((p) => p !== pid)
    .map((p) => table?.get(p))
    .filter((e): e is ProcessEntry => e?.command !== undefined);
}
