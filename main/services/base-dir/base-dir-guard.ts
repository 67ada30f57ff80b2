import { EventEmitter } from 'node:events';
import { access } from 'node:fs/promises';
import type { BaseDirLock, LockOwner } from './base-dir-lock';
import { ensureLayout, type Paths } from './paths';

/** How often the guard looks: a second host started within this time of a deletion could take the folder. */
export const GUARD_EVERY_MS = 2_000;

/**
 * Keeps a running host's marks on its base directory in place: its lock, and the files that tell
 * the CLI where it is (cache/host.json). A user who deletes the folder by hand while the app runs
 * (a reset) would otherwise leave a host no CLI command finds, and a folder a second host could
 * take while the first still runs its providers. When the lock is gone the layout is made again,
 * the lock and every kept file put back, and `restored` says so; a lock another live process took
 * meanwhile is `lost` (said once).
 */
export class BaseDirGuard extends EventEmitter<{ restored: []; lost: [LockOwner]; problem: [Error] }> {
  private readonly kept = new Map<string, () => Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private lostTo: LockOwner | undefined;
  private lastProblem = '';

  constructor(
    private readonly paths: Paths,
    private readonly lock: BaseDirLock,
  ) {
    super();
  }

  start(everyMs = GUARD_EVERY_MS): void {
    this.timer ??= setInterval(() => void this.check(), everyMs);
    // Never what keeps a host (or a test) running.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Puts `file` back with `write` whenever it is missing, until `forget`. */
  keep(file: string, write: () => Promise<void>): void {
    this.kept.set(file, write);
  }

  /** Before a kept file is removed on purpose. */
  forget(file: string): void {
    this.kept.delete(file);
  }

  /** One look (the timer's; tests call it directly). Overlapping calls share one look. */
  check(): Promise<void> {
    this.checking ??= this.look().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async look(): Promise<void> {
    try {
      const held = await this.lock.ensureHeld();
      if (typeof held === 'object') {
        if (this.lostTo?.pid !== held.pid) this.emit('lost', held);
        this.lostTo = held;
        return;
      }
      this.lostTo = undefined;
      if (held === 'restored') await ensureLayout(this.paths);
      for (const [file, write] of this.kept) await access(file).catch(() => write());
      this.lastProblem = '';
      if (held === 'restored') this.emit('restored');
    } catch (error) {
      // A folder that cannot be made again (a disk gone read-only) is said once, and tried again next time.
      const message = (error as Error).message;
      if (message !== this.lastProblem) this.emit('problem', error as Error);
      this.lastProblem = message;
    }
  }
}
