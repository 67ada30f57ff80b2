import { spawn } from 'node:child_process';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { readProcesses } from '../os/process-table';
import { BaseDirGuard } from './base-dir-guard';
import { BaseDirLock, lockFilePath, type LockOwner } from './base-dir-lock';
import { ensureLayout, LAYOUT_DIRS, pathsFor } from './paths';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function guarded() {
  const paths = pathsFor(path.join(await tempDir(), 'base'));
  await ensureLayout(paths);
  const lock = await BaseDirLock.acquire(paths, 'headless');
  const guard = new BaseDirGuard(paths, lock);
  const events: string[] = [];
  guard.on('restored', () => events.push('restored'));
  guard.on('lost', (owner) => events.push(`lost to ${owner.pid}`));
  guard.on('problem', (error) => events.push(`problem: ${error.message}`));
  cleanups.push(() => lock.release());
  return { paths, lock, guard, events };
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('BaseDirGuard', () => {
  it('puts the folder, its lock and the kept files back when a user deletes the folder under the host', async () => {
    const { paths, lock, guard, events } = await guarded();
    const hostFile = path.join(paths.cache, 'host.json');
    const write = () => writeFile(hostFile, '{"origin":"http://127.0.0.1:1"}');
    await write();
    guard.keep(hostFile, write);

    await guard.check();
    expect(events).toEqual([]); // all in place: nothing done

    await rm(paths.base, { recursive: true, force: true });
    await expect(BaseDirLock.acquire(paths, 'desktop').then((l) => l.release())).resolves.toBeUndefined(); // the gap a deletion opens
    await guard.check();
    expect(events).toEqual(['restored']);
    for (const dir of LAYOUT_DIRS) expect(await exists(paths[dir]), dir).toBe(true);
    expect(JSON.parse(await readFile(lockFilePath(paths), 'utf8'))).toMatchObject({ pid: process.pid, since: lock.owner.since });
    expect(await readFile(hostFile, 'utf8')).toContain('127.0.0.1:1');
    // The folder is this host's again: a second host is refused, naming it.
    await expect(BaseDirLock.acquire(paths, 'desktop')).rejects.toMatchObject({ code: 'CONFLICT' });

    // Only the host file gone: it comes back, and the folder was not "restored".
    await rm(hostFile);
    await guard.check();
    expect(await exists(hostFile)).toBe(true);
    expect(events).toEqual(['restored']);

    // Removed on purpose (the host stopping): it stays removed.
    guard.forget(hostFile);
    await rm(hostFile);
    await guard.check();
    expect(await exists(hostFile)).toBe(false);
  });

  it('says once that another live process took the lock meanwhile, and leaves that lock alone', async () => {
    const { paths, guard, events } = await guarded();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    cleanups.push(() => other.kill('SIGKILL'));
    const entry = (await readProcesses([other.pid!]))!.get(other.pid!)!;
    const theirs: LockOwner = { pid: other.pid!, startedAt: entry.startedAt, mode: 'headless', since: new Date().toISOString() };
    await writeFile(lockFilePath(paths), JSON.stringify(theirs));

    await guard.check();
    await guard.check();
    expect(events).toEqual([`lost to ${other.pid}`]);
    expect(JSON.parse(await readFile(lockFilePath(paths), 'utf8'))).toMatchObject({ pid: other.pid });
  });

  it('a lock released (the host closing) is not put back', async () => {
    const { paths, lock, guard, events } = await guarded();
    lock.release();
    await guard.check();
    expect(await exists(lockFilePath(paths))).toBe(false);
    expect(events).toEqual([]);
  });
});
