import { z } from 'zod';
import { hasStart, readProcesses, sameStart, startOf, type ProcessStart } from './process-table';
import { isRunning } from './process-tree';

/**
 * A process as a lock or a journal names it: a PID alone is reused by the OS, so the start (read
 * from the one process table, see process-table.ts) says whether it is still the same one.
 */
export interface ProcessIdentity extends ProcessStart {
  pid: number;
}

/** The start's fields in a record on disk; both optional (older records, OSes that tell less). */
export const ProcessStartFields = {
  startedAt: z.number().optional(),
  bootTicks: z.string().max(100).optional(),
};

export const ProcessIdentitySchema = z.object({ pid: z.number().int().positive(), ...ProcessStartFields });

let self: Promise<ProcessIdentity> | undefined;

/** This process (read once: it does not change). */
export function selfIdentity(): Promise<ProcessIdentity> {
  self ??= readProcesses([process.pid]).then((table) => ({ pid: process.pid, ...startOf(table?.get(process.pid)) }));
  return self;
}

/**
 * Whether the process named still runs: same PID and, when both are known, the same start. When
 * the table cannot be read at all, a running PID counts as alive: refusing to take over a lock is
 * the safe mistake, killing or recovering another process's work is not.
 */
export async function isAlive(identity: ProcessIdentity): Promise<boolean> {
  if (!isRunning(identity.pid)) return false;
  if (!hasStart(identity)) return true;
  const table = await readProcesses([identity.pid]);
  if (!table) return true;
  return sameStart(identity, table.get(identity.pid));
}
