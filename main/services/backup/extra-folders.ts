import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import type { BackupExtra } from '../../../shared/backup';
import { walkFolder, type FolderListing } from './walk-folder';

/** A folder of the base directory a backup carries when asked (logs/, data/, models/). */
export interface ExtraFolder {
  area: BackupExtra;
  dir: string;
}

/** Left out of a backup of these folders: partial downloads, lock files, sockets (also skipped as not plain files). */
export function isTransient(name: string): boolean {
  return /\.(part|partial|lock|sock|tmp)$/i.test(name) || name === 'LOCK';
}

/** Every plain file under `dir` but transient ones; links and special files are named in `skipped`. */
export function listFolder(dir: string): Promise<FolderListing> {
  return walkFolder(dir, (_relPath, name) => isTransient(name));
}

/** sha256 and size of a file, read as a stream (models are GBs: never whole in memory). */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** rename, or copy and delete when the two are on different disks (a models folder linked elsewhere). */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}
