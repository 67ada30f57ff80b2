import type { Stats } from 'node:fs';
import type { Chat } from '../../../shared/chats';

/** File bytes of conversations kept read (their text in memory is about as large). */
export const KEPT_BUDGET_BYTES = 64 * 1024 * 1024;
/** Let go this long after the last use: memory is given back to a user who stopped looking. */
export const KEPT_IDLE_MS = 30 * 60_000;

/**
 * A file as it was when read: an atomic save gives it a new inode, an edit in place a new size or
 * modification time, and always a new change time (which, unlike the modification time, no tool
 * can set back).
 */
export function stampOf(stats: Pick<Stats, 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/**
 * Conversations read (for the list or a search), kept while their files are unchanged, so the
 * next search (the next word typed) reads only what changed since. Up to a budget of file bytes:
 * past it, the rest are read each time rather than pushing others out (every search reads them
 * all in the same order, where dropping the least recently used would miss every time). All are
 * let go a while after they were last used.
 */
export class KeptConversations {
  private readonly kept = new Map<string, { stamp: string; chat: Chat; bytes: number }>();
  private bytes = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly budgetBytes = KEPT_BUDGET_BYTES,
    private readonly idleMs = KEPT_IDLE_MS,
  ) {}

  /** The conversation read from `name` when it had `stamp`; undefined when it was not, or has changed since. */
  get(name: string, stamp: string): Chat | undefined {
    const entry = this.kept.get(name);
    if (entry?.stamp === stamp) return entry.chat;
    if (entry) this.forget(name);
    return undefined;
  }

  /** Keeps `chat` (read from `bytes` bytes of `name` when it had `stamp`) while there is room; answers whether it did. */
  keep(name: string, stamp: string, chat: Chat, bytes: number): boolean {
    this.forget(name);
    if (this.bytes + bytes > this.budgetBytes) return false;
    this.kept.set(name, { stamp, chat, bytes });
    this.bytes += bytes;
    return true;
  }

  forget(name: string): void {
    const entry = this.kept.get(name);
    if (!entry) return;
    this.kept.delete(name);
    this.bytes -= entry.bytes;
  }

  /** Lets go of files that are no longer there. */
  keepOnly(names: { has(name: string): boolean }): void {
    for (const name of [...this.kept.keys()]) if (!names.has(name)) this.forget(name);
  }

  get size(): { conversations: number; bytes: number } {
    return { conversations: this.kept.size, bytes: this.bytes };
  }

  /** A list or search is under way (or just ended): the idle time starts again. */
  used(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.kept.clear();
      this.bytes = 0;
    }, this.idleMs);
    // Never what keeps the host (or a CLI command) running.
    this.idle.unref();
  }
}
