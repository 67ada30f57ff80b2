import { walkFolder, type FolderListing } from './walk-folder';

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

/** Walks config/ (a missing folder is empty), leaving out what the host owns. */
export function listConfig(configDir: string): Promise<FolderListing> {
  return walkFolder(configDir, (relPath) => isHostOwned(relPath));
}
