import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BackupExtra } from '../../../shared/backup';

/** A folder of the base directory a backup carries when asked (logs/, data/, models/). */
export interface ExtraFolder {
  area: BackupExtra;
  dir: string;
}

/** Left out of a backup of these folders: partial downloads, lock files, sockets (also skipped as not plain files). */
export function isTransient(name: string): boolean {
  return /\.(part|partial|lock|sock|tmp)$/i.test(name) || name === 'LOCK';
}

/** Every plain file under `dir` (relative, forward slashes, sorted); links and special files are named in `skipped`. */
export async function listFolder(dir: string): Promise<{ files: string[]; skipped: string[] }> {
  const out = { files: [] as string[], skipped: [] as string[] };
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(path.join(dir, rel))).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return;
      throw error;
    }
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      if (isTransient(name)) continue;
      const stats = await lstat(path.join(dir, child));
      if (stats.isDirectory()) await walk(child);
      else if (stats.isFile()) out.files.push(child);
      else out.skipped.push(child);
    }
  };
  await walk('');
  return out;
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
