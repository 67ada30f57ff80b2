import { printJson } from './cli-common';
import { openBaseDir } from './host';
import { noSuchProvider } from './manager';
import { RememberedSession, sessionFileOf } from './remembered-session';
import { BaseDirLock } from './services/base-dir/base-dir-lock';
import { runRecordsOf } from './services/supervision/run-records';

/**
 * `stop` with no host running. Nothing of ours runs then, except what a host that ended without
 * stopping its providers (killed, out of memory) left behind: that is stopped here, under the base
 * directory's lock, so a host starting at the same moment does not sweep the same processes. What
 * is stopped, or named while not running, is also left out of the next auto-start, as a stop
 * through the host would.
 */
export async function stopWithoutHost(ids: string[] | 'all', json: boolean): Promise<number> {
  const base = await openBaseDir({ readOnly: true });
  const wanted =
    ids === 'all'
      ? undefined
      : new Set(
          ids.map((id) => {
            const entry = base.catalog.get(id);
            if (!entry) throw noSuchProvider(id, base.catalog.list());
            return entry.recipe.id;
          }),
        );
  const records = runRecordsOf(base.paths);
  const session = new RememberedSession(sessionFileOf(base.paths));
  // Read first: a base directory with nothing left running and nothing to auto-start is not written to (nor created).
  const left = (await records.leftRunning()).filter((l) => !wanted || wanted.has(l.providerId));
  const remembered = (await session.read()).filter((id) => !wanted || wanted.has(id));
  let stopped: Array<{ providerId: string; message: string }> = [];
  if (left.length > 0 || remembered.length > 0) {
    const lock = await BaseDirLock.acquire(base.paths, 'cli');
    try {
      if (left.length > 0) stopped = await records.sweep(new Set(left.map((l) => l.providerId)));
      // Stopped, or already not running: either way not brought back by the next host's auto-start.
      session.begin(await session.read());
      await (wanted ? session.unwant(wanted) : session.replace([]));
    } finally {
      lock.release();
    }
  }
  const forgotten = remembered.filter((id) => !stopped.some((s) => s.providerId === id));
  if (json) {
    printJson({ host: null, states: [], stopped, notAutoStarted: forgotten });
    return 0;
  }
  if (stopped.length === 0) console.log('No host is running for this base directory, so no provider of ours is running.');
  for (const { providerId, message } of stopped) console.log(`${providerId}: ${message}.`);
  for (const id of forgotten) console.log(`${id}: will not be started with the next host (it was running when the last one quit).`);
  return 0;
}
