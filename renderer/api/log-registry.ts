import type { LlmClient } from '../../shared/contract';
import type { LogLine } from '../../shared/provider';
import { DEFAULT_LOG_CAPACITY, LogBuffer } from './log-buffer';

export interface LogRegistryOptions {
  /** Lines asked for when a provider's log is first opened (and after a reconnect). */
  tailLimit?: number;
  capacity?: number;
}

export type LogsClient = Pick<LlmClient, 'invoke'>;

/**
 * One LogBuffer per provider whose log someone opened. Buffers are made on first use, filled by
 * `logs.tail`, then kept current by `logs.lines` events, and re-tailed after a reconnect.
 * The host sends a log's lines only to clients watching it (`watch`, while a panel shows it);
 * providers nobody looked at get no buffer: their events are ignored, the host keeps them.
 */
export class LogRegistry {
  private readonly buffers = new Map<string, LogBuffer>();
  /** How many panels show each log: it is watched on the host while this is above zero. */
  private readonly watchers = new Map<string, number>();
  private readonly tailLimit: number;
  private readonly capacity: number;

  constructor(
    private readonly client: LogsClient,
    options: LogRegistryOptions = {},
  ) {
    this.tailLimit = options.tailLimit ?? 10_000;
    this.capacity = options.capacity ?? DEFAULT_LOG_CAPACITY;
  }

  /** The provider's buffer, made (empty) on first call. */
  get(id: string): LogBuffer {
    let buffer = this.buffers.get(id);
    if (!buffer) {
      buffer = new LogBuffer(this.capacity);
      this.buffers.set(id, buffer);
    }
    return buffer;
  }

  /** The buffer, with its tail loaded once. */
  open(id: string): LogBuffer {
    const buffer = this.get(id);
    if (buffer.getSnapshot().status === 'idle') void this.load(id);
    return buffer;
  }

  /**
   * Shows a log: asks the host for its lines (logs.watch), then fetches its tail. Returns the
   * release; when the last panel showing it lets go, the host stops sending them (logs.unwatch).
   */
  watch(id: string): () => void {
    const count = this.watchers.get(id) ?? 0;
    this.watchers.set(id, count + 1);
    if (count === 0) void this.subscribe(id);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.watchers.get(id) ?? 1) - 1;
      if (left > 0) {
        this.watchers.set(id, left);
        return;
      }
      this.watchers.delete(id);
      // Lost with the connection or refused: either way the host sends nothing more for it.
      this.client.invoke('logs.unwatch', { id }).catch(() => undefined);
    };
  }

  /** Subscribes first, then tails: a line is either in the tail or arrives as an event (merge drops the overlap). */
  private async subscribe(id: string): Promise<void> {
    const buffer = this.get(id);
    if (buffer.getSnapshot().status === 'idle') buffer.setStatus('loading');
    try {
      await this.client.invoke('logs.watch', { id });
    } catch (error) {
      buffer.setStatus('error', error);
      return;
    }
    if (this.watchers.has(id)) await this.load(id);
  }

  onLines(payload: { id: string; lines: LogLine[]; dropped: number }): void {
    this.buffers.get(payload.id)?.append(payload.lines, payload.dropped);
  }

  /**
   * Events sent while disconnected are lost, and a new connection has no subscriptions: watch the
   * shown logs again and fetch each open log's tail again.
   */
  reloadAll(): void {
    for (const [id, buffer] of this.buffers) {
      if (this.watchers.has(id)) void this.subscribe(id);
      else if (buffer.getSnapshot().status !== 'idle') void this.load(id);
    }
  }

  /** Fetches the tail and merges it in; a tail that ends before what we hold means the host's seq restarted. */
  async load(id: string): Promise<void> {
    const buffer = this.get(id);
    // Read before the call: events that arrive meanwhile are newer than the tail, not a sign of a restart.
    const held = buffer.lastSeq;
    buffer.setStatus('loading');
    try {
      const { lines, file } = await this.client.invoke('logs.tail', { id, limit: this.tailLimit });
      const newest = lines.length > 0 ? lines[lines.length - 1]!.seq : undefined;
      if (held !== undefined && (newest === undefined || newest < held)) buffer.reset();
      buffer.merge(lines, { file, mayHaveOlder: lines.length >= this.tailLimit });
      buffer.setStatus('ready');
    } catch (error) {
      buffer.setStatus('error', error);
    }
  }

  /** Pages back: the lines before the oldest one held, as far as the buffer's capacity allows. */
  async loadOlder(id: string): Promise<void> {
    const buffer = this.get(id);
    const before = buffer.firstSeq;
    const room = buffer.capacity - buffer.length;
    if (before === undefined || room <= 0) return;
    const limit = Math.min(this.tailLimit, room);
    try {
      const { lines } = await this.client.invoke('logs.tail', { id, limit, before });
      buffer.merge(lines, { mayHaveOlder: lines.length >= limit });
    } catch (error) {
      buffer.setStatus('error', error);
    }
  }
}
