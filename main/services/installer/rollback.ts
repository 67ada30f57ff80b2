import { rm } from 'node:fs/promises';
import { installLogId } from '../../../shared/install';
import type { LogService } from '../logs/logs';
import type { Journal } from './journal';
import { restoreCommit } from './steps/git-checkout';

/** Rollback: what a run created goes, newest first; an update gets its old commit back. */
export async function undoRun(journal: Journal, dataDir: string, logs: LogService): Promise<void> {
  const logId = installLogId(journal.run.providerId);
  for (const file of [...journal.created].reverse()) {
    await rm(file, { recursive: true, force: true });
    logs.system(logId, `rollback: removed ${file}`);
  }
  const previous = journal.memory.previousHead;
  if (journal.run.action === 'update' && previous) {
    await restoreCommit({ dataDir }, previous).then(
      () => logs.system(logId, `rollback: checked out ${previous} again; rebuild it with Update if its build was touched`),
      (error: Error) => logs.system(logId, `rollback: could not check out ${previous}: ${error.message}`),
    );
  }
  journal.created = [];
}
