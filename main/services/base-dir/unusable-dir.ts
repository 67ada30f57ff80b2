import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Why `dir` cannot be a base directory (in words, to follow "cannot be used: "), or undefined when
 * it can: a folder we may write in, or one we may create (its nearest existing parent is a
 * folder we may write in). Read-only: nothing is created. Access checks are the kernel's own
 * (`access`), so a read-only disk counts as not writable even for root.
 */
export async function whyUnusableDir(dir: string): Promise<string | undefined> {
  const target = path.resolve(dir);
  let at = target;
  for (;;) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      return error;
    });
    if (found instanceof Error) return `${at} cannot be read (${(found as NodeJS.ErrnoException).code ?? found.message})`;
    if (found) {
      if (!found.isDirectory()) return at === target ? 'it is a file, not a folder' : `${at} is a file, not a folder`;
      const writable = await access(at, constants.W_OK | constants.X_OK).then(
        () => true,
        () => false,
      );
      if (writable) return undefined;
      return at === target ? 'this app may not write in it' : `this app may not create folders in ${at}`;
    }
    const parent = path.dirname(at);
    if (parent === at) return `${at} does not exist`;
    at = parent;
  }
}
