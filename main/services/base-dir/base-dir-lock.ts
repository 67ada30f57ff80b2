import { readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import type { Paths } from './paths';
import { readCappedFile } from '../os/read-capped-file';
import { isAlive, ProcessStartFields, selfIdentity } from '../os/process-identity';

const OwnerSchema = z.object({
  pid: z.number().int().positive(),
  ...ProcessStartFields,
  mode: z.string(),
  since: z.string(),
});
export type LockOwner = z.infer<typeof OwnerSchema>;

/** A lock file is a few dozen bytes; anything much larger is not ours. */
const MAX_LOCK_BYTES = 4096;

export function lockFilePath(paths: Paths): string {
  return path.join(paths.cache, 'owner.lock');
}

/**
 * The one process that supervises a base directory (desktop app or `serve`, or a CLI command doing
 * work itself when neither runs). Exactly one holds it: two supervisors on one folder would fight
 * over ports, providers, install journals and orphan sweeps.
 */
export class BaseDirLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {}

  /**
   * Takes the lock or throws CONFLICT naming the owner. A lock left by a process that has died
   * (its PID gone, or reused by a process with another start time) is taken over.
   */
  static async acquire(paths: Paths, mode: string): Promise<BaseDirLock> {
    const file = lockFilePath(paths);
    const owner: LockOwner = { ...(await selfIdentity()), mode, since: new Date().toISOString() };
    const claimed = await claim(file, owner);
    if (claimed === 'claimed') return new BaseDirLock(file, owner);
    if (claimed !== 'contended') throw ownedBy(claimed, paths.base);
    throw new AppFailure({
      code: 'CONFLICT',
      message: `Could not take the lock ${file}: other processes keep taking it.`,
      hint: 'Start one Local LLM Manager host at a time for this base directory.',
    });
  }

  /**
   * Whether the lock file still names this holder; when it is gone (the folder deleted under a
   * running host) it is put back. Answers 'held', 'restored', or the live process that took it
   * meanwhile.
   */
  async ensureHeld(): Promise<'held' | 'restored' | LockOwner> {
    if (this.released) return 'held';
    const text = await readLock(this.file);
    const holder = text === undefined ? undefined : parseOwner(text);
    if (holder && sameOwner(holder, this.owner)) return 'held';
    const claimed = await claim(this.file, this.owner);
    if (claimed === 'claimed') return 'restored';
    if (claimed !== 'contended') return claimed;
    throw new Error(`could not put the lock ${this.file} back: other processes keep taking it`);
  }

  /** Gives the lock up (idempotent). Synchronous so it also works from an exit handler. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const current = readOwnerSync(this.file);
    if (current && sameOwner(current, this.owner)) rmSync(this.file, { force: true });
  }
}

/**
 * Creates the lock file (and its folder) for `owner`, trying again while holders come and go:
 * 'claimed', the live process that holds it, or 'contended' when it kept changing hands.
 */
async function claim(file: string, owner: LockOwner): Promise<'claimed' | 'contended' | LockOwner> {
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await tryClaim(file, owner);
    if (outcome !== 'again') return outcome;
  }
  return 'contended';
}

/**
 * One try at creating the lock file for `owner`: 'claimed' (it names `owner` now), the live
 * process that holds it, or 'again' (it went meanwhile, or a stale one was removed).
 */
async function tryClaim(file: string, owner: LockOwner): Promise<'claimed' | 'again' | LockOwner> {
  try {
    const handle = await open(file, 'wx', 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(owner)}\n`);
    } finally {
      await handle.close();
    }
    return 'claimed';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `Cannot take the lock ${file}: ${(error as Error).message}`,
        hint: 'Check that the base directory is writable (HELIX_LOCAL_LLM_DIR).',
      });
    }
  }
  const text = await readLock(file);
  if (text === undefined) return 'again'; // released meanwhile
  const holder = parseOwner(text);
  if (holder && sameOwner(holder, owner)) return 'claimed';
  if (holder && (await isAlive(holder))) return holder;
  // Stale: remove it only if it is still the file we judged, so a fresh lock taken meanwhile survives.
  if ((await readLock(file)) === text) await rm(file, { force: true });
  return 'again';
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.since === b.since;
}

/** Who owns this base directory now, if a live process does. Reads only. */
export async function currentOwner(paths: Paths): Promise<LockOwner | undefined> {
  const text = await readLock(lockFilePath(paths));
  const owner = text === undefined ? undefined : parseOwner(text);
  return owner && (await isAlive(owner)) ? owner : undefined;
}

/** The lock's text; a missing file is undefined, an oversized one reads as garbage (stale). */
async function readLock(file: string): Promise<string | undefined> {
  try {
    return await readCappedFile(file, MAX_LOCK_BYTES);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '';
  }
}

function readOwnerSync(file: string): LockOwner | undefined {
  try {
    return statSync(file).size > MAX_LOCK_BYTES ? undefined : parseOwner(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = OwnerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function ownedBy(owner: LockOwner, base: string): AppFailure {
  const what =
    owner.mode === 'desktop' ? 'the desktop app' : owner.mode === 'headless' ? 'a headless host ("serve")' : `a "${owner.mode}" command`;
  return new AppFailure({
    code: 'CONFLICT',
    message: `${base} is already managed by ${what}, PID ${owner.pid} (since ${owner.since}).`,
    hint: 'Use that one (the CLI talks to it), stop it first, or choose another base directory with HELIX_LOCAL_LLM_DIR.',
  });
}
