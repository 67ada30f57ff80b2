import { existsSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CleanupReport } from '../../../shared/install';
import type { ProviderRecipe } from '../../../shared/recipe';
import { isInstalled } from './install-state';
import type { Paths } from '../base-dir/paths';

async function sizeOf(target: string): Promise<number> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  const names = await readdir(target).catch(() => [] as string[]);
  let total = 0;
  for (const name of names) total += await sizeOf(path.join(target, name));
  return total;
}

/**
 * The spec's Cleanup: package caches (pip, uv), leftover install downloads, and data folders of
 * providers whose install never finished. Never a model, a config, an installed provider, or
 * anything an install in progress (or waiting to resume) still needs.
 */
export async function cleanup(paths: Paths, recipes: ProviderRecipe[], keep: (providerId: string) => boolean): Promise<CleanupReport> {
  const candidates: Array<{ path: string; why: string }> = [
    { path: path.join(paths.cache, 'pip'), why: 'pip cache' },
    { path: path.join(paths.cache, 'uv'), why: 'uv cache' },
  ];
  const installCache = path.join(paths.cache, 'install');
  for (const name of await readdir(installCache).catch(() => [] as string[])) {
    if (name.endsWith('.journal.json')) continue;
    const owner = recipes.find((r) => name.startsWith(`${r.id}-`));
    if (owner && keep(owner.id)) continue;
    candidates.push({ path: path.join(installCache, name), why: 'leftover install download' });
  }
  for (const recipe of recipes) {
    if (!['git', 'python', 'binary'].includes(recipe.install.strategy) || keep(recipe.id)) continue;
    const dataDir = path.join(paths.data, recipe.id);
    if (existsSync(dataDir) && !(await isInstalled(recipe, { dataDir }))) candidates.push({ path: dataDir, why: 'unfinished install' });
  }
  const removed: CleanupReport['removed'] = [];
  for (const candidate of candidates) {
    if (!existsSync(candidate.path)) continue;
    const bytes = await sizeOf(candidate.path);
    await rm(candidate.path, { recursive: true, force: true });
    removed.push({ ...candidate, bytes });
  }
  return { freedBytes: removed.reduce((sum, r) => sum + r.bytes, 0), removed };
}
