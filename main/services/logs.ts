import { EventEmitter } from 'node:events';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { AppFailure } from '../../shared/errors';
import type { LogLine, LogSearchMatch, LogStream } from '../../shared/provider';
import { LineSplitter } from './line-splitter';
import { LogRing } from './log-ring';

export interface LogServiceOptions {
  dir: string;
  /** Lines kept in memory per provider. */
  ringSize?: number;
  /** Lines are pushed to clients in batches at most this often. */
  flushMs?: number;
  /** A batch keeps at most this many (the newest); the rest are counted as dropped. */
  maxBatch?: number;
  maxFileSize?: string;
  rotatedFiles?: number;
}

export interface LogBatch {
  id: string;
  lines: LogLine[];
  dropped: number;
}


class ProviderLog {
  readonly ring: LogRing;
  seq = 0;
  pending: LogLine[] = [];
  /** Lines cut from `pending` before they could be sent. */
  droppedPending = 0;
  timer?: NodeJS.Timeout;
  private file?: RotatingFileStream;

  constructor(
    readonly id: string,
    private readonly options: Required<LogServiceOptions>,
  ) {
    this.ring = new LogRing(options.ringSize);
  }

  get stream(): RotatingFileStream {
    this.file ??= createStream((index: number | Date | null) => (typeof index === 'number' && index > 0 ? `${this.id}.log.${index}` : `${this.id}.log`), {
      path: this.options.dir,
      size: this.options.maxFileSize,
      rotate: this.options.rotatedFiles,
    });
    return this.file;
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }
}

/**
 * Provider output: to `logs/<id>.log` (rotated by size), to a ring buffer for tail, and to
 * clients as batched events. The child is paused while the file cannot keep up, so a provider
 * printing as fast as it can slows itself down rather than filling our memory.
 */
export class LogService extends EventEmitter<{ lines: [LogBatch] }> {
  private readonly logs = new Map<string, ProviderLog>();
  private readonly options: Required<LogServiceOptions>;

  constructor(options: LogServiceOptions) {
    super();
    this.options = { ringSize: 10_000, flushMs: 100, maxBatch: 2_000, maxFileSize: '10M', rotatedFiles: 3, ...options };
  }

  fileOf(id: string): string {
    return path.join(this.options.dir, `${id}.log`);
  }

  /** Our own line about the provider ("started pid 123"), in the file and the stream like its output. */
  system(id: string, text: string): void {
    const log = this.log(id);
    log.stream.write(`[llm-manager ${new Date().toISOString()}] ${text}\n`);
    this.record(log, 'system', text);
  }

  /** Follows one output stream of one process until it ends. */
  attach(id: string, readable: Readable, stream: Exclude<LogStream, 'system'>, processName?: string): void {
    const log = this.log(id);
    const splitter = new LineSplitter();
    readable.setEncoding('utf8');
    readable.on('data', (chunk: string) => {
      if (!log.stream.write(chunk)) {
        readable.pause();
        log.stream.once('drain', () => readable.resume());
      }
      for (const text of splitter.push(chunk)) this.record(log, stream, text, processName);
    });
    readable.on('end', () => {
      for (const text of splitter.flush()) {
        log.stream.write('\n');
        this.record(log, stream, text, processName);
      }
    });
  }

  tail(id: string, limit: number, before?: number): LogLine[] {
    return this.logs.get(id)?.ring.tail(limit, before) ?? [];
  }

  /** Searches the files on disk, oldest first, so it covers more than memory holds. */
  async search(
    id: string,
    query: { text: string; regex: boolean; caseSensitive: boolean; limit: number },
  ): Promise<{ matches: LogSearchMatch[]; truncated: boolean }> {
    let test: (line: string) => boolean;
    if (query.regex) {
      let re: RegExp;
      try {
        re = new RegExp(query.text, query.caseSensitive ? '' : 'i');
      } catch (error) {
        throw new AppFailure({
          code: 'BAD_REQUEST',
          message: `Not a valid regular expression: ${(error as Error).message}`,
          hint: 'Fix the expression, or turn off regular-expression search to look for the plain text.',
        });
      }
      test = (line) => re.test(line);
    } else {
      const needle = query.caseSensitive ? query.text : query.text.toLowerCase();
      test = query.caseSensitive ? (line) => line.includes(needle) : (line) => line.toLowerCase().includes(needle);
    }
    const files = [];
    for (let i = this.options.rotatedFiles; i >= 1; i--) files.push(`${this.fileOf(id)}.${i}`);
    files.push(this.fileOf(id));
    const matches: LogSearchMatch[] = [];
    let truncated = false;
    for (const file of files.filter((f) => existsSync(f))) {
      let lineNo = 0;
      for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
        lineNo++;
        if (!test(line)) continue;
        matches.push({ file, line: lineNo, text: line });
        // Keep the newest `limit`: a search is usually for what just happened.
        if (matches.length > query.limit) {
          matches.shift();
          truncated = true;
        }
      }
    }
    return { matches, truncated };
  }

  async close(): Promise<void> {
    for (const log of this.logs.values()) {
      this.flush(log);
      await log.close();
    }
  }

  private log(id: string): ProviderLog {
    let log = this.logs.get(id);
    if (!log) this.logs.set(id, (log = new ProviderLog(id, this.options)));
    return log;
  }

  private record(log: ProviderLog, stream: LogStream, text: string, processName?: string): void {
    const line: LogLine = { seq: ++log.seq, at: Date.now(), stream, text, ...(processName ? { process: processName } : {}) };
    log.ring.push(line);
    log.pending.push(line);
    // Keep the pending batch bounded too: only the newest maxBatch can be sent anyway.
    if (log.pending.length > this.options.maxBatch * 2) {
      log.droppedPending += log.pending.length - this.options.maxBatch;
      log.pending.splice(0, log.pending.length - this.options.maxBatch);
    }
    log.timer ??= setTimeout(() => this.flush(log), this.options.flushMs);
  }

  private flush(log: ProviderLog): void {
    if (log.timer) clearTimeout(log.timer);
    log.timer = undefined;
    if (log.pending.length === 0) return;
    const lines = log.pending.slice(-this.options.maxBatch);
    const dropped = log.droppedPending + log.pending.length - lines.length;
    log.pending = [];
    log.droppedPending = 0;
    this.emit('lines', { id: log.id, lines, dropped });
  }
}
