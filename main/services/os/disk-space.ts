import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { AppFailure } from '../../../shared/errors';
import type { SystemInfo } from '../../../shared/system';
import { formatBytes } from '../../../shared/format-bytes';

/**
 * The disk `dir` is (or will be) on: before the first start the base directory does not exist yet
 * (`status` and `system` create nothing), so its nearest existing parent answers for it.
 */
export async function readDisk(dir: string): Promise<SystemInfo['disk']> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const stats = await statfs(at);
      return { path: dir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(at) === at) throw error;
    }
  }
}

/**
 * Left free beside a large write, so the disk is not filled to its last byte: the app's own
 * settings, logs and state, and everything else on the machine, still need to write.
 */
export const DISK_MARGIN_BYTES = 64 * 1024 ** 2;

/** Refuses, naming what is needed and what is free, when writing `bytes` into `dir` would fill its disk. */
export async function ensureRoom(dir: string, bytes: number, what: string): Promise<void> {
  const { freeBytes } = await readDisk(dir);
  if (bytes + DISK_MARGIN_BYTES <= freeBytes) return;
  throw new AppFailure({
    code: 'CONFLICT',
    message: `${what} needs ${formatBytes(bytes)} more, and the disk holding ${dir} has ${formatBytes(freeBytes)} free (${formatBytes(DISK_MARGIN_BYTES)} is kept free beside it).`,
    hint: 'Free some disk space, or choose a base directory on a larger disk in Settings; then retry.',
  });
}

/** A write that failed because the disk filled up (ENOSPC, or EDQUOT: a quota reached). */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** What a program (git, pip, cmake, cargo) prints when its write hits a full disk. */
export const DISK_FULL_OUTPUT = /No space left on device|Disk quota exceeded|\bENOSPC\b/i;

/** "the disk holding <dir> has 1.2 GiB free", for a message about a full disk. */
export async function freeSpaceWords(dir: string): Promise<string> {
  return readDisk(dir).then(
    (disk) => `the disk holding ${dir} has ${formatBytes(disk.freeBytes)} free`,
    () => `the free space on the disk holding ${dir} could not be read`,
  );
}
