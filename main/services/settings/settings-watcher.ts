import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** An editor's save is a burst of file events (truncate, write, rename): read once it settles. */
export const HAND_EDIT_SETTLE_MS = 100;

export interface HandEditHandlers {
  /** A burst of changes to the file has settled: read it. */
  settled: () => void;
  /** The watch broke and was stopped; later edits are not followed. */
  failed: (error: Error) => void;
}

/**
 * Follows hand edits of one file. Watches the folder, not the file: an editor (and our own atomic
 * write) replaces the file, which would end a watch on the file. Following the file never by
 * itself keeps a process (the CLI) alive.
 */
export class HandEditWatcher {
  private watcher?: FSWatcher;
  private settleTimer?: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    private readonly on: HandEditHandlers,
  ) {}

  /** Throws when the folder cannot be made or watched. */
  async start(): Promise<void> {
    if (this.watcher) return;
    const dir = path.dirname(this.file);
    const name = path.basename(this.file);
    await mkdir(dir, { recursive: true });
    this.watcher = watch(dir, (_event, changed) => {
      // Some platforms do not say which file changed: then it may be ours.
      if (!changed || changed === name) this.scheduleSettled();
    });
    this.watcher.on('error', (error) => {
      this.stop();
      this.on.failed(error);
    });
    this.watcher.unref();
  }

  stop(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private scheduleSettled(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(this.on.settled, HAND_EDIT_SETTLE_MS);
    this.settleTimer.unref();
  }
}
