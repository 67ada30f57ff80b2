import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** A full look at least this often, in case the OS missed a change (network file systems report none). */
export const FULL_LOOK_MS = 30_000;

/**
 * Which files of a folder changed since asked last, as the OS reports them (fs.watch: inotify,
 * FSEvents, ReadDirectoryChangesW), so that thousands of files need not each be looked at for
 * every list and search. Where it cannot tell, it says so ('everything'): the first time, while
 * it has no watcher (the folder is not there yet, or the OS refused one), after an event without
 * a name or an error, and once every FULL_LOOK_MS.
 */
export class FolderChanges {
  private watcher: FSWatcher | undefined;
  /** The folder watched: one removed and made again is another, which that watcher no longer sees. */
  private watched: string | undefined;
  /** The watcher reported the folder itself removed or moved. */
  private folderGone = false;
  private changed = new Set<string>();
  private everything = true;
  private lookedAt = Number.NEGATIVE_INFINITY;

  /** `onReported`: the OS reported a change (the file's name, when it gave one), as it happens. */
  constructor(
    private readonly dir: string,
    private readonly fullLookMs = FULL_LOOK_MS,
    private readonly onReported?: (name: string | undefined) => void,
  ) {}

  /** A change this process made: known at once, whenever the watcher reports it. */
  mark(name: string): void {
    this.changed.add(name);
  }

  /** The names changed since the last call, or 'everything' when that cannot be told. */
  take(): ReadonlySet<string> | 'everything' {
    if (this.watcher && (this.folderGone || this.identity() !== this.watched)) {
      this.close();
      this.everything = true;
    }
    this.startWatching();
    const now = performance.now();
    const changed = this.changed;
    const full = this.everything || !this.watcher || now - this.lookedAt >= this.fullLookMs;
    this.changed = new Set();
    this.everything = false;
    if (!full) return changed;
    this.lookedAt = now;
    return 'everything';
  }

  /** Which folder is at the path now (an inode number may be given again to the next one made). */
  private identity(): string | undefined {
    const stats = statSync(this.dir, { throwIfNoEntry: false });
    return stats && `${stats.ino}:${stats.birthtimeMs}`;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private startWatching(): void {
    if (this.watcher) return;
    let watcher: FSWatcher;
    try {
      // Not persistent: watching never keeps the host (or a CLI command) running.
      watcher = watch(this.dir, { persistent: false }, (_event, name) => {
        if (name) this.changed.add(name.toString());
        else this.everything = true;
        // Linux names the folder itself when it is removed or moved away.
        if (name?.toString() === path.basename(this.dir)) this.folderGone = true;
        this.onReported?.(name?.toString());
      });
    } catch {
      // Not there yet (no conversation saved) or refused: every look is a full one meanwhile.
      return;
    }
    watcher.on('error', () => {
      watcher.close();
      if (this.watcher === watcher) this.watcher = undefined;
      this.everything = true;
    });
    this.watcher = watcher;
    this.watched = this.identity();
    this.folderGone = false;
    // What changed before it started is not known.
    this.everything = true;
  }
}
