import { spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { BaseDirLock, currentOwner, lockFilePath } from './base-dir-lock';
import { pathsFor } from './paths';
import { selfIdentity } from '../os/process-identity';

async function freshPaths() {
  return pathsFor(path.join(await tempDir(), 'base'));
}

describe('the base directory lock', () => {
  it('is held by one process at a time and says who holds it', async () => {
    const paths = await freshPaths();
    const first = await BaseDirLock.acquire(paths, 'headless');
    await expect(BaseDirLock.acquire(paths, 'desktop')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`PID ${process.pid}`),
    });
    expect(await currentOwner(paths)).toMatchObject({ pid: process.pid, mode: 'headless' });
    first.release();
    first.release(); // idempotent
    expect(await currentOwner(paths)).toBeUndefined();
    const second = await BaseDirLock.acquire(paths, 'desktop');
    expect(second.owner.mode).toBe('desktop');
    second.release();
  });

  it('takes over a lock whose owner died', async () => {
    const paths = await freshPaths();
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    await mkdir(paths.cache, { recursive: true });
    await writeFile(lockFilePath(paths), JSON.stringify({ pid: deadPid, mode: 'headless', since: '2026-01-01T00:00:00.000Z' }));
    const lock = await BaseDirLock.acquire(paths, 'headless');
    expect(JSON.parse(await readFile(lockFilePath(paths), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock whose PID now belongs to another process (another start time)', async () => {
    const paths = await freshPaths();
    await mkdir(paths.cache, { recursive: true });
    // Our own PID, but a start time that is not ours: the PID was reused.
    await writeFile(
      lockFilePath(paths),
      JSON.stringify({ pid: process.pid, startedAt: 1, mode: 'headless', since: '2026-01-01T00:00:00.000Z' }),
    );
    const lock = await BaseDirLock.acquire(paths, 'headless');
    expect(lock.owner.startedAt).toBe((await selfIdentity()).startedAt);
    expect(lock.owner.startedAt).toBeGreaterThan(1);
    lock.release();
  });

  it.runIf(process.platform === 'linux')(
    'keeps a lock whose owner started before the wall clock was set, and not one from an earlier boot',
    async () => {
      const paths = await freshPaths();
      await mkdir(paths.cache, { recursive: true });
      const self = await selfIdentity();
      expect(self.bootTicks).toMatch(/^[0-9a-f-]{36}:\d+$/);
      // The clock set back two hours since the owner wrote the lock (NTP after a suspend, a VM resumed):
      // the start read now is two hours from the one recorded, the boot and ticks are the same.
      const owner = { ...self, startedAt: self.startedAt! + 7_200_000, mode: 'headless', since: '2026-01-01T00:00:00.000Z' };
      await writeFile(lockFilePath(paths), JSON.stringify(owner));
      await expect(BaseDirLock.acquire(paths, 'desktop')).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await currentOwner(paths)).toMatchObject({ pid: process.pid, mode: 'headless' });
      // The same PID and time, but recorded in another boot: a stale lock.
      await writeFile(lockFilePath(paths), JSON.stringify({ ...owner, startedAt: self.startedAt, bootTicks: `${'0'.repeat(36)}:1` }));
      expect(await currentOwner(paths)).toBeUndefined();
      (await BaseDirLock.acquire(paths, 'desktop')).release();
    },
  );

  it('treats an unreadable lock file as stale rather than failing forever', async () => {
    const paths = await freshPaths();
    await mkdir(paths.cache, { recursive: true });
    await writeFile(lockFilePath(paths), 'not json');
    const lock = await BaseDirLock.acquire(paths, 'cli');
    lock.release();
  });

  it('does not remove a lock that another process took after ours was released', async () => {
    const paths = await freshPaths();
    const lock = await BaseDirLock.acquire(paths, 'headless');
    await writeFile(lockFilePath(paths), JSON.stringify({ pid: 1, mode: 'desktop', since: '2026-01-01T00:00:00.000Z' }));
    lock.release();
    expect(JSON.parse(await readFile(lockFilePath(paths), 'utf8'))).toMatchObject({ pid: 1 });
  });
});
