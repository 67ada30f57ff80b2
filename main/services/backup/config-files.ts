import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files in config/ that a backup leaves out and a restore leaves alone:
 * - API keys (`keys.json`, `keys.enc` and their kept-aside copies): secrets stay on this machine,
 *   never in an archive someone may mail or upload; a restore keeps the keys in place.
 * - `session.json`: which providers ran at the last quit (the host's state, rewritten at quit).
 */
export function isHostOwned(relPath: string): boolean {
  if (relPath.includes('/')) return false;
  return /^keys\.(json|enc)/.test(relPath) || relPath === 'session.json';
}

export interface ConfigListing {
  /** Relative to config/, with forward slashes, sorted. */
  files: string[];
  /** Folders with nothing in them. */
  emptyDirs: string[];
  /** Links and other things that are not plain files: left out (named, so nobody wonders). */
  skipped: string[];
}

/** Walks config/ (a missing folder is empty). Links are not followed: a backup holds this folder's own files. */
export async function listConfig(configDir: string): Promise<ConfigListing> {
  const listing: ConfigListing = { files: [], emptyDirs: [], skipped: [] };
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(path.join(configDir, rel))).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return;
      throw error;
    }
    let kept = 0;
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      if (isHostOwned(child)) continue;
      const stats = await lstat(path.join(configDir, child));
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
