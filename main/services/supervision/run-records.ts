import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Paths } from '../base-dir/paths';
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
  port: z.number().int().optional(),
  processes: z.array(z.object({ name: z.string(), pid: z.number().int(), command: z.string(), ...ProcessStartFields })),
});
type RunRecord = z.infer<typeof RecordSchema>;
type RecordedProcess = RunRecord['processes'][number];
interface StoredRecord {
  providerId: string;
  file: string;
  record: RunRecord;
}

/** A provider's processes that a host which ended without stopping them left running. */
export interface LeftRunning {
  providerId: string;
  processes: Array<{ name: string; pid: number }>;
  /** The port it was started on, when the record has it. */
  port?: number;
}

/** A base directory's run records (cache/run). */
export function runRecordsOf(paths: Pick<Paths, 'cache'>): RunRecords {
  return new RunRecords(path.join(paths.cache, 'run'));
}

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
  async write(providerId: string, processes: ManagedProcess[], port?: number): Promise<void> {
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
      ...(port !== undefined ? { port } : {}),
      processes: entries,
    };
    await writeFileAtomic(this.file(providerId), JSON.stringify(record));
  }

  async remove(providerId: string): Promise<void> {
    await rm(this.file(providerId), { force: true });
  }

  /**
   * What hosts that ended without stopping their providers left running, per provider: only
   * processes still running as recorded. Reads only (the CLI's `status` with no host running).
   */
  async leftRunning(): Promise<LeftRunning[]> {
    const found = await this.orphans(await this.read({ removeBad: false }));
    return found.flatMap(({ providerId, record, live }) =>
      live.length === 0
        ? []
        : [
            {
              providerId,
              processes: live.map(({ name, pid }) => ({ name, pid })),
              ...(record.port !== undefined ? { port: record.port } : {}),
            },
          ],
    );
  }

  /**
   * Stops processes recorded by a host that is no longer running (only those of the providers in
   * `only`, when given); returns what it did.
   */
  async sweep(only?: ReadonlySet<string>): Promise<Array<{ providerId: string; message: string }>> {
    const records = (await this.read({ removeBad: true })).filter(({ providerId }) => !only || only.has(providerId));
    const notes: Array<{ providerId: string; message: string }> = [];
    for (const { providerId, file, live } of await this.orphans(records)) {
      for (const entry of live) {
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

  private async read(options: { removeBad: boolean }): Promise<StoredRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const records: StoredRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const file = path.join(this.dir, name);
      const parsed = RecordSchema.safeParse(
        await readCappedFile(file, READ_CAPS.state)
          .then(JSON.parse)
          .catch(() => undefined),
      );
      if (parsed.success) records.push({ providerId: name.slice(0, -'.json'.length), file, record: parsed.data });
      else if (options.removeBad) await rm(file, { force: true });
    }
    return records;
  }

  /**
   * The records a dead host left (not those of a host still running, this one included), each
   * with its processes still running as recorded.
   */
  private async orphans(records: StoredRecord[]): Promise<Array<StoredRecord & { live: RecordedProcess[] }>> {
    if (records.length === 0) return [];
    // One read of the process table for every PID named (one ps or CIM query, not one per PID).
    const pids = new Set(records.flatMap(({ record }) => [record.hostPid, ...record.processes.map((p) => p.pid)]));
    const table = await readProcesses([...pids]);
    // Without it nothing can be told apart: keep the records for the next start rather than stop
    // a stranger or forget an orphan.
    if (!table) return [];
    return records
      .filter(({ record }) => !(record.hostPid !== process.pid && hostAlive(record, table)))
      .map((stored) => ({
        ...stored,
        live: stored.record.processes.filter((entry) => isRunning(entry.pid) && sameProcess(entry, table.get(entry.pid))),
      }));
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
