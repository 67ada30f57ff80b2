import { z } from 'zod';
import { parseJsonOrUndefined } from '../os/http-expect';
import { isAlive, ProcessIdentitySchema, ProcessStartFields } from '../os/process-identity';
import { startOf } from '../os/process-table';
import { isRunning, killGroupsNow, stillRuns } from '../os/process-tree';
import type { Journal, JournalStore } from './journal';

/**
 * What a journal left by an earlier session says about processes: whether another live process
 * (a CLI beside a host) still owns the install, and which step process it ran.
 */

/**
 * The journals a previous session left. Runs it left running or queued become `interrupted`
 * (resume or roll back), their step process stopped first; a run another live process still owns
 * (a CLI beside a host that has since started) is not a leftover, and is left out.
 */
export async function recoverJournals(store: JournalStore): Promise<Journal[]> {
  const recovered: Journal[] = [];
  for (const journal of await store.all()) {
    if (journal.run.status === 'running' || journal.run.status === 'queued') {
      if (await ownedByAnotherLiveProcess(journal)) continue;
      await killLeftoverStep(journal);
      journal.run = { ...journal.run, status: 'interrupted', updatedAt: new Date().toISOString() };
      for (const step of journal.run.steps) if (step.status === 'running') step.status = 'pending';
      await store.save(journal);
    }
    recovered.push(journal);
  }
  return recovered;
}

/** True when a live process other than this one runs the journal's install: its journal is not ours to recover. */
export async function ownedByAnotherLiveProcess(journal: Journal): Promise<boolean> {
  const parsed = ProcessIdentitySchema.safeParse(parseJsonOrUndefined(journal.memory.owner ?? ''));
  if (!parsed.success || parsed.data.pid === process.pid) return false;
  return isAlive(parsed.data);
}

/** The process a running step recorded (run-command.ts), if the record is readable. */
const StepRecordSchema = z.object({ pid: z.number().int().positive(), command: z.string(), ...ProcessStartFields });

export function recordedStep(journal: Journal): z.infer<typeof StepRecordSchema> | undefined {
  const parsed = StepRecordSchema.safeParse(parseJsonOrUndefined(journal.memory.stepProcess ?? ''));
  return parsed.success ? parsed.data : undefined;
}

/** A step process the app left running when it died (its own process group): stopped before anything else. */
export async function killLeftoverStep(journal: Journal): Promise<void> {
  const step = recordedStep(journal);
  if (!step) return; // no record, or an unreadable one, names no process to stop
  // The leader may be gone with its children still in the group; a leader now running something else is a reused PID.
  if (!isRunning(step.pid) || (await stillRuns(step.pid, step.command, startOf(step)))) killGroupsNow([step.pid]);
}
