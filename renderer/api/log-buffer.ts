import type { LogLine } from '../../shared/provider';

export const DEFAULT_LOG_CAPACITY = 100_000;

export type LogLoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Anything a log view can draw: lines by index, in increasing `seq`. */
export interface LineSource<T extends { seq: number; text: string } = LogLine> {
  readonly length: number;
  at(index: number): T;
}

/** What a render sees. A new object on every change, so useSyncExternalStore notices. */
export interface LogSnapshot extends LineSource {
  /** Bumped on every change; cheap to key memos on. */
  readonly version: number;
  /** Lines the host skipped to keep up (reported with `logs.lines`). */
  readonly dropped: number;
  readonly status: LogLoadStatus;
  readonly error?: unknown;
  /** The log file on disk, once a tail has said. */
  readonly file?: string;
  /** Whether the host may have older lines than the oldest one here. */
  readonly mayHaveOlder: boolean;
}

/**
 * One provider's recent log lines, kept outside react-query: events arrive many times a second
 * and copying a 100,000-line array for each would cost more than drawing it. A ring buffer:
 * appends are O(batch), the oldest lines fall off at capacity, and lines are unique by `seq`.
 */
export class LogBuffer {
  private items: LogLine[] = [];
  /** Index of the oldest line once the ring is full (before that, 0). */
  private head = 0;
  private dropped = 0;
  private version = 0;
  private status: LogLoadStatus = 'idle';
  private error: unknown;
  private file: string | undefined;
  private mayHaveOlder = false;
  private snapshot: LogSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(readonly capacity = DEFAULT_LOG_CAPACITY) {
    this.snapshot = this.makeSnapshot();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LogSnapshot => this.snapshot;

  get length(): number {
    return this.items.length;
  }

  get lastSeq(): number | undefined {
    return this.items.length > 0 ? this.at(this.items.length - 1).seq : undefined;
  }

  get firstSeq(): number | undefined {
    return this.items.length > 0 ? this.at(0).seq : undefined;
  }

  at(index: number): LogLine {
    return this.items[(this.head + index) % this.items.length]!;
  }

  /** New lines from an event. Lines at or before the newest one held are repeats (a tail overlapped) and are skipped. */
  append(lines: readonly LogLine[], dropped = 0): void {
    let last = this.lastSeq ?? -Infinity;
    let changed = dropped > 0;
    this.dropped += dropped;
    for (const line of lines) {
      if (line.seq <= last) continue;
      this.push(line);
      last = line.seq;
      changed = true;
    }
    if (changed) this.changed();
  }

  /**
   * Merges a tail (or an older page) with what is held: events may have arrived while the tail
   * was on its way, so both sides can hold the same lines. Keeps the newest `capacity`.
   */
  merge(lines: readonly LogLine[], options: { file?: string; mayHaveOlder?: boolean } = {}): void {
    const merged = mergeBySeq(
      this.toArray(),
      [...lines].sort((a, b) => a.seq - b.seq),
    );
    this.items = merged.length > this.capacity ? merged.slice(merged.length - this.capacity) : merged;
    this.head = 0;
    if (options.file !== undefined) this.file = options.file;
    if (options.mayHaveOlder !== undefined) this.mayHaveOlder = options.mayHaveOlder;
    this.changed();
  }

  /** Drops everything held (the host restarted and its seq started again). */
  reset(): void {
    this.items = [];
    this.head = 0;
    this.dropped = 0;
    this.mayHaveOlder = false;
    this.changed();
  }

  setStatus(status: LogLoadStatus, error?: unknown): void {
    this.status = status;
    this.error = error;
    this.changed();
  }

  toArray(): LogLine[] {
    return this.head === 0 ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  private push(line: LogLine): void {
    if (this.items.length < this.capacity) {
      this.items.push(line);
      return;
    }
    // Full: overwrite the oldest and move the head past it.
    this.items[this.head] = line;
    this.head = (this.head + 1) % this.capacity;
    this.mayHaveOlder = true;
  }

  private changed(): void {
    this.version++;
    this.snapshot = this.makeSnapshot();
    this.listeners.forEach((listener) => listener());
  }

  private makeSnapshot(): LogSnapshot {
    return {
      version: this.version,
      length: this.items.length,
      // Reads the live ring: a snapshot is only drawn before the next change replaces it.
      at: (index) => this.at(index),
      dropped: this.dropped,
      status: this.status,
      error: this.error,
      file: this.file,
      mayHaveOlder: this.mayHaveOlder,
    };
  }
}

/** Merges two seq-sorted lists into one, each seq once. */
function mergeBySeq(a: readonly LogLine[], b: readonly LogLine[]): LogLine[] {
  const out: LogLine[] = [];
  let i = 0;
  let j = 0;
  const take = (line: LogLine) => {
    const last = out[out.length - 1];
    if (!last || line.seq > last.seq) out.push(line);
  };
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.seq <= y.seq)) {
      take(x!);
      i++;
    } else {
      take(y);
      j++;
    }
  }
  return out;
}
