import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { ManagedProcess } from './managed-process';
import { isRunning, stillRuns, stopTree } from './process-tree';
import { READ_CAPS, readCappedFile } from './read-capped-file';

const RecordSchema = z.object({
  hostPid: z.number().int(),
  processes: z.array(z.object({ name: z.string(), pid: z.number().int(), command: z.string() })),
});

/**
 * A note on disk of which processes each provider runs, so that if the host is killed outright
 * (no chance to stop anything), the next start can find and stop what it left behind.
 */
export class RunRecords {
  constructor(private readonly dir: string) {}

  async write(providerId: string, processes: ManagedProcess[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const entries = processes
      .filter((p) => p.pid !== undefined)
      .map((p) => ({ name: p.launch.name, pid: p.pid!, command: p.launch.argv.join(' ') }));
    await writeFileAtomic(this.file(providerId), JSON.stringify({ hostPid: process.pid, processes: entries }));
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
    const notes: Array<{ providerId: string; message: string }> = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const providerId = name.slice(0, -'.json'.length);
      const file = path.join(this.dir, name);
      const parsed = RecordSchema.safeParse(await readCappedFile(file, READ_CAPS.state).then(JSON.parse).catch(() => undefined));
      if (!parsed.success) {
        await rm(file, { force: true });
        continue;
      }
      // Another host instance (the desktop app beside a CLI) owns these: not ours to touch.
      if (parsed.data.hostPid !== process.pid && isRunning(parsed.data.hostPid)) continue;
      for (const entry of parsed.data.processes) {
        if (!(await stillRuns(entry.pid, entry.command))) continue;
        await stopTree(entry.pid, 3_000);
        notes.push({ providerId, message: `stopped ${entry.name} (pid ${entry.pid}) left running by a previous session that ended without stopping it` });
      }
      await rm(file, { force: true });
    }
    return notes;
  }

  private file(providerId: string): string {
    return path.join(this.dir, `${providerId}.json`);
  }
}
