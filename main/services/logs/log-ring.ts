import type { LogLine } from '../../../shared/provider';
import { Ring } from '../os/ring';

/**
 * The newest lines, in order; older ones fall off. Bounded twice: at most `capacity` lines (the
 * one ring buffer, os/ring) and at most `maxChars` characters of text in all, so ten thousand
 * lines at the line cap (a provider printing long lines) cannot hold hundreds of megabytes either.
 */
export class LogRing {
  private readonly ring: Ring<LogLine>;
  private chars = 0;

  constructor(
    readonly capacity: number,
    readonly maxChars = 8 * 1024 * 1024,
  ) {
    this.ring = new Ring<LogLine>(capacity);
  }

  push(line: LogLine): void {
    const evicted = this.ring.push(line);
    if (evicted) this.chars -= evicted.text.length;
    this.chars += line.text.length;
    // The newest line always stays, whatever its length.
    while (this.chars > this.maxChars && this.ring.size > 1) this.chars -= this.ring.shift()!.text.length;
  }

  /** The last `limit` lines with seq < `before` (all when omitted), oldest first. */
  tail(limit: number, before = Number.POSITIVE_INFINITY): LogLine[] {
    const out: LogLine[] = [];
    for (const line of this.ring.newestFirst()) {
      if (out.length >= limit) break;
      if (line.seq < before) out.push(line);
    }
    return out.reverse();
  }

  get length(): number {
    return this.ring.size;
  }
}
