import { copyFile, mkdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AppFailure } from '../../../shared/errors';
import type { RestoreChange, RestorePlan } from '../../../shared/backup';
import { listConfig } from './config-files';
import type { InstalledProvider } from './installed-providers';
import type { Archive } from './read-archive';
import { trustedIds } from './check-contents';

/** What a restore would change in config/, file by file; reads, writes nothing. */
export async function planRestore(configDir: string, archive: Archive, installedNow: InstalledProvider[]): Promise<RestorePlan> {
  const current = await listConfig(configDir);
  const files: RestorePlan['files'] = [];
  for (const [rel, bytes] of archive.files) {
    let change: RestoreChange = 'add';
    if (current.files.includes(rel)) change = (await readFile(path.join(configDir, rel))).equals(bytes) ? 'same' : 'replace';
    files.push({ path: rel, change });
  }
  for (const rel of current.files) if (!archive.files.has(rel)) files.push({ path: rel, change: 'remove' });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const here = new Map(installedNow.map((p) => [p.id, p]));
  return {
    manifest: archive.manifest,
    files,
    trustedRecipes: trustedIds(archive.files),
    toInstall: archive.manifest.providers.filter((p) => !here.has(p.id)).map((p) => p.id),
    otherVersion: archive.manifest.providers
      .filter((p) => here.has(p.id) && here.get(p.id)!.version !== p.version)
      .map((p) => ({ id: p.id, backup: p.version, here: here.get(p.id)!.version })),
  };
}

/**
 * Makes config/ what the archive holds, file by file, each written atomically (temp + rename), so
 * the folder itself stays where it is (the host follows settings.json in it). Every file it
 * replaces or removes is first copied to `<base>/config.before-restore-<time>/`; if a write fails
 * half way, what was done is undone from there. API keys and the session are never touched.
 */
export async function applyRestore(options: {
  configDir: string;
  baseDir: string;
  archive: Archive;
  plan: RestorePlan;
  now?: Date;
}): Promise<{ keptAside?: string }> {
  const { configDir, archive, plan } = options;
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const aside = path.join(options.baseDir, `config.before-restore-${stamp}`);
  const touched = plan.files.filter((f) => f.change === 'replace' || f.change === 'remove');
  for (const { path: rel } of touched) {
    await mkdir(path.dirname(path.join(aside, rel)), { recursive: true });
    await copyFile(path.join(configDir, rel), path.join(aside, rel));
  }
  const done: { rel: string; change: RestoreChange }[] = [];
  try {
    await mkdir(configDir, { recursive: true });
    for (const dir of archive.dirs) await mkdir(path.join(configDir, dir), { recursive: true });
    for (const { path: rel, change } of plan.files) {
      if (change === 'same') continue;
      const target = path.join(configDir, rel);
      if (change === 'remove') await unlink(target);
      else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFileAtomic(target, archive.files.get(rel)!);
      }
      done.push({ rel, change });
    }
  } catch (error) {
    const undone = await undo(configDir, aside, done);
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `The restore stopped: ${(error as Error).message}. ${undone ? 'What it had changed was put back.' : `Some files could not be put back; the originals are in ${aside}.`}`,
      hint: 'Check that config/ is writable and the disk has room, then restore again.',
    });
  }
  return touched.length > 0 ? { keptAside: aside } : {};
}

async function undo(configDir: string, aside: string, done: { rel: string; change: RestoreChange }[]): Promise<boolean> {
  let ok = true;
  for (const { rel, change } of done.reverse()) {
    try {
      if (change === 'add') await rm(path.join(configDir, rel), { force: true });
      else await writeFileAtomic(path.join(configDir, rel), await readFile(path.join(aside, rel)));
    } catch {
      ok = false;
    }
  }
  return ok;
}
