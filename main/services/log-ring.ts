import type { LogLine } from '../../shared/provider';

/**
 * The newest lines, in order; older ones fall off. Bounded twice: at most `capacity` lines and at
 * most `maxChars` characters of text in all, so ten thousand lines at the line cap (a provider
 * printing long lines) cannot hold hundreds of megabytes either.
 */
export class LogRing {
  private readonly items: Array<LogLine | undefined>;
  private next = 0;
  private size = 0;
  private chars = 0;

  constructor(
    readonly capacity: number,
    readonly maxChars = 8 * 1024 * 1024,
  ) {
    this.items = new Array<LogLine | undefined>(capacity);
  }

  push(line: LogLine): void {
    if (this.size === this.capacity) this.dropOldest();
    this.items[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    this.size++;
    this.chars += line.text.length;
    // The newest line always stays, whatever its length.
    while (this.chars > this.maxChars && this.size > 1) this.dropOldest();
  }

  /** The last `limit` lines with seq < `before` (all when omitted), oldest first. */
  tail(limit: number, before = Number.POSITIVE_INFINITY): LogLine[] {
    const out: LogLine[] = [];
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const line = this.items[(this.next - i + this.capacity) % this.capacity]!;
      if (line.seq < before) out.push(line);
    }
    return out.reverse();
  }

  get length(): number {
    return this.size;
  }

  private dropOldest(): void {
    const oldest = (this.next - this.size + this.capacity) % this.capacity;
    this.chars -= this.items[oldest]!.text.length;
    this.items[oldest] = undefined;
    this.size--;
  }
}
