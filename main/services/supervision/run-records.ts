import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { ManagedProcess } from './managed-process';
import { ProcessStartFields, selfIdentity } from '../os/process-identity';
import { readProcesses, sameProcess, sameStart, type ProcessEntry } from '../os/process-table';
import { isRunning, stopTree } from '../os/process-tree';
import { READ_CAPS, readCappedFile } from '../os/read-capped-file';

// The starts (process-table's ProcessStart) are missing from records older than them: those match on command alone.
const RecordSchema = z.object({
  hostPid: z.number().int(),
  hostStartedAt: z.number().optional(),
  hostBootTicks: ProcessStartFields.bootTicks,
  processes: z.array(z.object({ name: z.string(), pid: z.number().int(), command: z.string(), ...ProcessStartFields })),
});
type RunRecord = z.infer<typeof RecordSchema>;

/**
 * A note on disk of which processes each provider runs, so that if the host is killed outright
 * (no chance to stop anything), the next start can find and stop what it left behind.
 */
export class RunRecords {
  constructor(private readonly dir: string) {}

  /**
   * Records each process as PID + command line + start time, as the OS shows them: a PID reused
   * since, even by the same program, is then never taken for ours.
   */
  async write(providerId: string, processes: ManagedProcess[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const [host, ...identities] = await Promise.all([selfIdentity(), ...processes.map((p) => p.identity())]);
    const entries = processes.flatMap((p, i) => {
      const identity = identities[i];
      return identity ? [{ name: p.launch.name, ...identity }] : [];
    });
    const record: RunRecord = {
      hostPid: host.pid,
      ...(host.startedAt !== undefined ? { hostStartedAt: host.startedAt } : {}),
      ...(host.bootTicks !== undefined ? { hostBootTicks: host.bootTicks } : {}),
      processes: entries,
    };
    await writeFileAtomic(this.file(providerId), JSON.stringify(record));
  }

  async remove(providerId: string): Promise<void> {
    await rm(this.file(providerId), { force: true });
  }

  /** Stops processes recorded by a host that is no longer running; returns what it did. */
  async sweep(): Promise<Array<{ providerId: string; message: string }>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const records: Array<{ providerId: string; file: string; record: RunRecord }> = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const file = path.join(this.dir, name);
      const parsed = RecordSchema.safeParse(
        await readCappedFile(file, READ_CAPS.state)
          .then(JSON.parse)
          .catch(() => undefined),
      );
      if (parsed.success) records.push({ providerId: name.slice(0, -'.json'.length), file, record: parsed.data });
      else await rm(file, { force: true });
    }
    if (records.length === 0) return [];
    // One read of the process table for every PID named (one ps or CIM query, not one per PID).
    const pids = new Set(records.flatMap(({ record }) => [record.hostPid, ...record.processes.map((p) => p.pid)]));
    const table = await readProcesses([...pids]);
    // Without it nothing can be told apart: keep the records for the next start rather than stop
    // a stranger or forget an orphan.
    if (!table) return [];
    const notes: Array<{ providerId: string; message: string }> = [];
    for (const { providerId, file, record } of records) {
      // Another host instance (the desktop app beside a CLI) owns these: not ours to touch.
      if (record.hostPid !== process.pid && hostAlive(record, table)) continue;
      for (const entry of record.processes) {
        if (!isRunning(entry.pid) || !sameProcess(entry, table.get(entry.pid))) continue;
        await stopTree(entry.pid, 3_000, [], entry.startedAt !== undefined ? { rootStartedAt: entry.startedAt } : {});
        notes.push({
          providerId,
          message: `stopped ${entry.name} (pid ${entry.pid}) left running by a previous session that ended without stopping it`,
        });
      }
      await rm(file, { force: true });
    }
    return notes;
  }

  private file(providerId: string): string {
    return path.join(this.dir, `${providerId}.json`);
  }
}

/** The recording host still runs: its PID is in use, by the same process when its start was recorded. */
function hostAlive(record: RunRecord, table: ReadonlyMap<number, ProcessEntry>): boolean {
  if (!isRunning(record.hostPid)) return false;
  const now = table.get(record.hostPid);
  const recorded = {
    ...(record.hostStartedAt !== undefined ? { startedAt: record.hostStartedAt } : {}),
    ...(record.hostBootTicks !== undefined ? { bootTicks: record.hostBootTicks } : {}),
  };
  return now === undefined || sameStart(recorded, now);
}
