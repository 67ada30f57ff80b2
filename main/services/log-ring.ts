import type { LogLine } from '../../shared/provider';

/** The newest `capacity` lines, in order; older ones fall off. Memory stays bounded however much a provider prints. */
export class LogRing {
  private readonly items: Array<LogLine | undefined>;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<LogLine | undefined>(capacity);
  }

  push(line: LogLine): void {
    this.items[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
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
}
