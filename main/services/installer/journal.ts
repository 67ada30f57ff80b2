import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { InstallAction, InstallRun } from '../../../shared/install';
import { READ_CAPS, readCappedFile } from '../os/read-capped-file';

/**
 * What an install run has done so far, on disk beside the install cache: its steps and what it
 * created. Written before and after every step, so a run the app did not live to finish can be
 * resumed (skipping finished steps) or rolled back (removing exactly what it created).
 */
export interface Journal {
  run: InstallRun;
  created: string[];
  memory: Record<string, string>;
}

const JournalSchema = z.object({
  run: z.looseObject({
    providerId: z.string(),
    action: z.enum(['install', 'update']),
    status: z.string(),
    steps: z.array(z.looseObject({ id: z.string() })),
  }),
  created: z.array(z.string()),
  memory: z.record(z.string(), z.string()),
});

export class JournalStore {
  constructor(private readonly dir: string) {}

  file(providerId: string): string {
    return path.join(this.dir, `${providerId}.journal.json`);
  }

  async save(journal: Journal): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.file(journal.run.providerId), `${JSON.stringify(journal, null, 2)}\n`);
  }

  async remove(providerId: string): Promise<void> {
    await rm(this.file(providerId), { force: true });
  }

  /** Every readable journal; unreadable ones are skipped (and left for the user to inspect). */
  async all(): Promise<Journal[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const journals: Journal[] = [];
    for (const name of names.filter((n) => n.endsWith('.journal.json'))) {
      const parsed = JournalSchema.safeParse(
        await readCappedFile(path.join(this.dir, name), READ_CAPS.state)
          .then(JSON.parse)
          .catch(() => undefined),
      );
      if (parsed.success) journals.push(parsed.data as unknown as Journal);
    }
    return journals;
  }
}

/** The journal of a run just queued: every step pending. */
export function queuedJournal(
  providerId: string,
  action: InstallAction,
  steps: Array<{ id: string; title: string }>,
  run: { logFile: string; version?: string },
): Journal {
  const now = new Date().toISOString();
  return {
    run: {
      providerId,
      action,
      status: 'queued',
      steps: steps.map((s) => ({ id: s.id, title: s.title, status: 'pending' })),
      current: 0,
      startedAt: now,
      updatedAt: now,
      logFile: run.logFile,
      version: run.version,
    },
    created: [],
    // The full identity (with its start time) is written when the run begins.
    memory: { owner: JSON.stringify({ pid: process.pid }) },
  };
}
