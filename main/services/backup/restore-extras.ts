import { lstat, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BackupExtra, RestoreChange } from '../../../shared/backup';
import { AppFailure } from '../../../shared/errors';
import { DISK_MARGIN_BYTES, readDisk } from '../os/disk-space';
import { hashFile, moveFile } from './extra-folders';
import type { Archive } from './read-archive';

export type ExtraDirs = Record<BackupExtra, string>;

function targetOf(dirs: ExtraDirs, key: string): { area: BackupExtra; rel: string; file: string } {
  const [area, ...rest] = key.split('/') as [BackupExtra, ...string[]];
  return { area, rel: rest.join('/'), file: path.join(dirs[area], ...rest) };
}

/**
 * What a restore would do to the included folders, file by file: add, replace or same (a file the
 * archive does not hold is left where it is). Refuses, touching nothing, when a path inside the
 * folder is a link or a file stands where a folder must be (or a folder where a file must be).
 */
export async function planExtras(dirs: ExtraDirs, archive: Archive): Promise<{ path: string; change: RestoreChange }[]> {
  const plan: { path: string; change: RestoreChange }[] = [];
  for (const [key, want] of [...archive.extras].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { area, rel } = targetOf(dirs, key);
    const parts = rel.split('/');
    let change: RestoreChange = 'add';
    for (let i = 1; i <= parts.length; i++) {
      const at = path.join(dirs[area], ...parts.slice(0, i));
      const info = await lstat(at).catch(() => undefined);
      if (!info) break;
      const last = i === parts.length;
      if (info.isSymbolicLink() || (last ? !info.isFile() : !info.isDirectory()))
        throw new AppFailure({
          code: 'CONFLICT',
          message: `Not restored: ${area}/${parts.slice(0, i).join('/')} is ${info.isSymbolicLink() ? 'a link' : last ? 'not a plain file' : 'not a folder'} here, where the archive puts ${key}.`,
          hint: 'Move it out of the way, then restore again; nothing was changed.',
        });
      if (last) change = info.size === want.size && (await hashFile(at)).sha256 === want.sha256 ? 'same' : 'replace';
    }
    plan.push({ path: key, change });
  }
  return plan;
}

/** Refuses, with what it needs, when the base directory's disk has no room for the included folders. */
export async function checkRoom(baseDir: string, archive: Archive): Promise<void> {
  const need = [...archive.extras.values()].reduce((sum, f) => sum + f.size, 0);
  if (need === 0) return;
  const free = (await readDisk(baseDir)).freeBytes;
  if (need + DISK_MARGIN_BYTES > free)
    throw new AppFailure({
      code: 'CONFLICT',
      message: `Not restored: the archive's logs/data/models need ${(need / 1024 ** 3).toFixed(2)} GiB and the disk of ${baseDir} has ${(free / 1024 ** 3).toFixed(2)} GiB free.`,
      hint: 'Free some disk space (or restore a backup without models), then restore again; nothing was changed.',
    });
}

/**
 * Moves the staged files into their folders. A file it replaces is first moved to
 * `<base>/<folder>.before-restore-<time>/`; if a move fails half way, what was done is undone.
 */
export async function applyExtras(options: {
  dirs: ExtraDirs;
  baseDir: string;
  staged: string;
  plan: { path: string; change: RestoreChange }[];
  stamp: string;
}): Promise<{ keptAside: string[]; undo: () => Promise<boolean> }> {
  const done: { key: string; aside?: string }[] = [];
  const asideDirs = new Set<string>();
  const undo = async (): Promise<boolean> => {
    let ok = true;
    for (const { key, aside } of [...done].reverse()) {
      const { file } = targetOf(options.dirs, key);
      try {
        await rm(file, { force: true });
        if (aside) await moveFile(aside, file);
      } catch {
        ok = false;
      }
    }
    return ok;
  };
  try {
    for (const { path: key, change } of options.plan) {
      if (change === 'same') continue;
      const { area, rel, file } = targetOf(options.dirs, key);
      let aside: string | undefined;
      if (change === 'replace') {
        const dir = path.join(options.baseDir, `${area}.before-restore-${options.stamp}`);
        aside = path.join(dir, ...rel.split('/'));
        await mkdir(path.dirname(aside), { recursive: true });
        await moveFile(file, aside);
        asideDirs.add(dir);
      }
      done.push({ key, ...(aside ? { aside } : {}) });
      await mkdir(path.dirname(file), { recursive: true });
      await moveFile(path.join(options.staged, ...key.split('/')), file);
    }
  } catch (error) {
    const undone = await undo();
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `The restore stopped: ${(error as Error).message}. ${undone ? 'What it had changed was put back.' : `Some files could not be put back; the originals are in ${[...asideDirs].join(', ')}.`}`,
      hint: 'Check that the folders are writable and the disk has room, then restore again.',
    });
  }
  return { keptAside: [...asideDirs], undo };
}
