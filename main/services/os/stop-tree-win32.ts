import { descendantsIn, readProcesses, runCommand, startsMatch, type ProcessEntry, type RunCommand } from './process-table';
import { taskkillCommand } from './process-table-win32';
import { waitGone } from './wait-gone';

export interface WindowsStopDeps {
  /** Whether a PID is in use (process.kill(pid, 0)). */
  isRunning: (pid: number) => boolean;
  run?: RunCommand;
  env?: NodeJS.ProcessEnv;
}

/** Forced rounds: each lists the table again and ends what the previous one missed. */
const FORCED_ROUNDS = 3;

/**
 * Stops a process tree on Windows: taskkill without /F (programs with a window get WM_CLOSE;
 * console servers have none and stay), `graceMs` to exit, then taskkill /F.
 *
 * Windows does not re-parent orphans: their parent link keeps naming a dead PID, which the OS may
 * give to any new process. So the tree is listed with start times before anything dies, a child
 * older than its supposed parent is not its child, and taskkill gets the verified PIDs by name
 * rather than /T (which would follow a stale parent link into a stranger's process). Each forced
 * round lists the table again: a listed PID that now belongs to another process is left alone,
 * and what the tree started meanwhile (its parent link names a listed PID, and it is younger)
 * joins the next kill. Only without a process table does it fall back to /T on the root.
 *
 * `alsoKill` are remembered descendants the caller has verified. `rootStartedAt`, when known,
 * proves the root PID is still ours; `rootExited` says it is not (its PID may be anyone's now),
 * though the children whose parent link names it are still found by its start time. Resolves
 * with whether the kill was needed.
 */
export async function stopTreeWindows(
  pid: number,
  graceMs: number,
  alsoKill: readonly number[],
  deps: WindowsStopDeps & { rootStartedAt?: number; rootExited?: boolean },
): Promise<{ forced: boolean }> {
  const run = deps.run ?? runCommand;
  const read = () => readProcesses(undefined, { platform: 'win32', run });
  const kill = async (pids: number[], options: { force: boolean; tree: boolean }) => {
    if (pids.length === 0) return;
    const command = taskkillCommand(pids, options, deps.env);
    await run(command.file, command.args);
  };

  const before = await read();
  if (!before) return stopBlind(pid, graceMs, alsoKill, deps, kill);

  const targets = new Map<number, number | undefined>(); // pid -> start time when listed
  const root = before.get(pid);
  const rootIsOurs = !deps.rootExited && root !== undefined && startsMatch(deps.rootStartedAt, root.startedAt);
  if (rootIsOurs) targets.set(pid, root.startedAt);
  // An exited root's children still name its PID; its start time tells them from a newer owner's.
  if (rootIsOurs || (root === undefined && deps.rootStartedAt !== undefined)) {
    for (const child of descendantsIn(before, pid, deps.rootStartedAt)) targets.set(child.pid, child.startedAt);
  }
  for (const extra of alsoKill) if (!targets.has(extra) && before.has(extra)) targets.set(extra, before.get(extra)!.startedAt);
  const living = [...targets.keys()].filter((p) => deps.isRunning(p));
  if (living.length === 0) return { forced: false };

  await kill(living, { force: false, tree: false });
  if (await waitGone(living, graceMs, deps.isRunning)) return { forced: false };

  for (let round = 0; round < FORCED_ROUNDS; round++) {
    const table = await read();
    const survivors = table ? stillOurs(table, targets) : [...targets.keys()].filter((p) => deps.isRunning(p));
    if (survivors.length === 0) break;
    await kill(survivors, { force: true, tree: false });
    await waitGone(survivors, 2_000, deps.isRunning);
  }
  return { forced: true };
}

/**
 * Listed processes that still run as the same process, plus (added to `targets`) the processes
 * started since whose parent link names one of them.
 */
function stillOurs(table: ReadonlyMap<number, ProcessEntry>, targets: Map<number, number | undefined>): number[] {
  const survivors: number[] = [];
  for (const [pid, startedAt] of [...targets]) {
    const now = table.get(pid);
    if (now && !startsMatch(startedAt, now.startedAt)) continue; // reused by another process
    if (now) survivors.push(pid);
    if (startedAt === undefined) continue;
    for (const late of descendantsIn(table, pid, startedAt)) {
      if (targets.has(late.pid)) continue;
      targets.set(late.pid, late.startedAt);
      survivors.push(late.pid);
    }
  }
  return survivors;
}

/**
 * No process table (PowerShell missing or failing): all that is left is taskkill's own tree walk
 * from the root, and the remembered descendants by name.
 */
async function stopBlind(
  pid: number,
  graceMs: number,
  alsoKill: readonly number[],
  deps: WindowsStopDeps & { rootExited?: boolean },
  kill: (pids: number[], options: { force: boolean; tree: boolean }) => Promise<void>,
): Promise<{ forced: boolean }> {
  const targets = [...(deps.rootExited ? [] : [pid]), ...alsoKill].filter((p) => deps.isRunning(p));
  if (targets.length === 0) return { forced: false };
  await kill(targets, { force: false, tree: true });
  if (await waitGone(targets, graceMs, deps.isRunning)) return { forced: false };
  const survivors = targets.filter((p) => deps.isRunning(p));
  await kill(survivors, { force: true, tree: true });
  await waitGone(survivors, 5_000, deps.isRunning);
  return { forced: true };
}
