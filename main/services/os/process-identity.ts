import { readProcesses, startsMatch } from './process-table';
import { isRunning } from './process-tree';

/**
 * A process as a lock or a journal names it: a PID alone is reused by the OS, so the start time
 * (read from the one process table, see process-table.ts) says whether it is still the same one.
 */
export interface ProcessIdentity {
  pid: number;
  /** ms since the epoch, when the OS could tell. */
  startedAt?: number;
}

let self: Promise<ProcessIdentity> | undefined;

/** This process (read once: it does not change). */
export function selfIdentity(): Promise<ProcessIdentity> {
  self ??= readProcesses([process.pid]).then((table) => {
    const startedAt = table?.get(process.pid)?.startedAt;
    return { pid: process.pid, ...(startedAt !== undefined ? { startedAt } : {}) };
  });
  return self;
}

/**
 * Whether the process named still runs: same PID and, when both are known, the same start. When
 * the table cannot be read at all, a running PID counts as alive: refusing to take over a lock is
 * the safe mistake, killing or recovering another process's work is not.
 */
export async function isAlive(identity: ProcessIdentity): Promise<boolean> {
  if (!isRunning(identity.pid)) return false;
  if (identity.startedAt === undefined) return true;
  const table = await readProcesses([identity.pid]);
  if (!table) return true;
  return startsMatch(identity.startedAt, table.get(identity.pid)?.startedAt);
}
