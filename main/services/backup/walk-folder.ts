import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface FolderListing {
  /** Relative to the folder, with forward slashes, sorted. */
  files: string[];
  /** Folders with nothing kept in them. */
  emptyDirs: string[];
  /** Links and other things that are not plain files: left out (named, so nobody wonders). */
  skipped: string[];
}

/**
 * Every plain file under `dir` (a missing folder is empty), less what `leaveOut` names. Links are
 * not followed: a backup holds the folder's own files, never what a link points at.
 */
export async function walkFolder(dir: string, leaveOut: (relPath: string, name: string) => boolean): Promise<FolderListing> {
  const listing: FolderListing = { files: [], emptyDirs: [], skipped: [] };
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(path.join(dir, rel))).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return;
      throw error;
    }
    let kept = 0;
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      if (leaveOut(child, name)) continue;
      const stats = await lstat(path.join(dir, child));
      kept += 1;
      if (stats.isDirectory()) await walk(child);
      else if (stats.isFile()) listing.files.push(child);
      else listing.skipped.push(child);
    }
    if (kept === 0 && rel !== '') listing.emptyDirs.push(rel);
  };
  await walk('');
  return listing;
}
