import type { Stats } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppFailure } from '../../../shared/errors';

/**
 * Where an archive the user named `file` (a backup, a diagnostics bundle) goes. It is written
 * beside its target and renamed onto it, and a rename replaces whatever the name was: so a folder's
 * name means `nameInFolder` inside it (as `cp` does), a link means the file it points to, and a
 * device or a pipe (`/dev/full`, a FIFO) is refused rather than replaced by a plain file.
 */
export async function outputTarget(file: string, nameInFolder: string): Promise<string> {
  const found = await lstat(file).catch(missing);
  if (!found) return inExistingFolder(file);
  if (found.isSymbolicLink()) {
    const target = await realpath(file).catch(() => {
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `${file} is a link to nothing (its target does not exist).`,
        hint: 'Name the file itself, or fix the link.',
      });
    });
    return outputTarget(target, nameInFolder);
  }
  if (found.isDirectory()) return path.join(file, nameInFolder);
  if (found.isFile()) return file;
  throw new AppFailure({
    code: 'IO_ERROR',
    message: `${file} is ${kindOf(found)}, not a file: writing there would replace it.`,
    hint: 'Name a file (or a folder to put one in).',
  });
}

/** `file` when its folder exists; else a failure that names the folder (not ENOENT on a temp name). */
export async function inExistingFolder(file: string): Promise<string> {
  const folder = path.dirname(file);
  const parent = await stat(folder).catch(missing);
  if (parent?.isDirectory()) return file;
  throw new AppFailure({
    code: 'IO_ERROR',
    message: parent
      ? `${folder} is not a folder, so ${path.basename(file)} cannot be written in it.`
      : `The folder ${folder} does not exist.`,
    hint: 'Create the folder first, or name a file in a folder that exists.',
  });
}

function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
  throw error;
}

function kindOf(found: Stats): string {
  if (found.isCharacterDevice() || found.isBlockDevice()) return 'a device';
  if (found.isFIFO()) return 'a named pipe';
  if (found.isSocket()) return 'a socket';
  return 'not a plain file';
}
