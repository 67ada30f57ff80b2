import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { logLineTest } from '../../../shared/log-pattern';
import type { LogLine, LogSearchMatch, LogStream } from '../../../shared/provider';
import { LineSplitter } from './line-splitter';
import { LogFile, type LogFileProblem } from './log-file';
import { LogRing } from './log-ring';
import { searchFiles, type LogQuery } from './log-search';

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
  /** After the disk fails, the first wait before trying it again (it doubles, up to a minute). */
  retryMs?: number;
  /** Output waiting for a slow disk beyond this is kept in memory only (the provider is never paused). */
  maxQueuedBytes?: number;
  /** How often, at most, to check that a log file was not deleted under us. */
  checkMs?: number;
  /** The most a search reads (the newest bytes of the files). */
  maxSearchBytes?: number;
}

export interface LogBatch {
  id: string;
  lines: LogLine[];
  dropped: number;
}

/** A provider whose log is not reaching the disk, and why; `problem` undefined means it is again. */
export interface LogProblemEvent {
  id: string;
  file: string;
  problem?: LogFileProblem;
}

/** Longer lines are cut (in memory; the file gets them whole) so one runaway line cannot fill memory. */
const MAX_LINE_CHARS = 16 * 1024;

class ProviderLog {
  readonly ring: LogRing;
  readonly file: LogFile;
  seq = 0;
  pending: LogLine[] = [];
  /** Lines cut from `pending` before they could be sent. */
  droppedPending = 0;
  timer?: NodeJS.Timeout;

  constructor(
    readonly id: string,
    options: Required<LogServiceOptions>,
  ) {
    this.ring = new LogRing(options.ringSize);
    this.file = new LogFile({
      dir: options.dir,
      id,
      maxFileSize: options.maxFileSize,
      rotatedFiles: options.rotatedFiles,
      retryMs: options.retryMs,
      maxRetryMs: 60_000,
      maxQueuedBytes: options.maxQueuedBytes,
      checkMs: options.checkMs,
    });
  }
}

/**
 * Provider output: to `logs/<id>.log` (rotated by size), to a ring buffer for tail, and to
 * clients as batched events. The disk is a copy, never a gate: the child's output is read as fast
 * as it comes (a provider never blocks on its pipe because of us), and when the file cannot be
 * written (disk full, folder gone or read-only) the log lives on in memory, the provider's log
 * says so in a system line, a `problem` event goes out, and the disk is tried again later.
 */
export class LogService extends EventEmitter<{ lines: [LogBatch]; problem: [LogProblemEvent] }> {
  private readonly logs = new Map<string, ProviderLog>();
  private readonly options: Required<LogServiceOptions>;

  constructor(options: LogServiceOptions) {
    super();
    this.options = {
      ringSize: 10_000,
      flushMs: 100,
      maxBatch: 2_000,
      maxFileSize: '10M',
      rotatedFiles: 3,
      retryMs: 5_000,
      maxQueuedBytes: 8 * 1024 * 1024,
      checkMs: 2_000,
      maxSearchBytes: 64 * 1024 * 1024,
      ...options,
    };
  }

  fileOf(id: string): string {
    return path.join(this.options.dir, `${id}.log`);
  }

  /** Providers whose log is in memory only just now, and why. */
  problems(): LogProblemEvent[] {
    return [...this.logs.values()]
      .filter((log) => log.file.problem)
      .map((log) => ({ id: log.id, file: log.file.file, problem: log.file.problem }));
  }

  /** Our own line about the provider ("started pid 123"), in the file and the stream like its output. */
  system(id: string, text: string): void {
    const log = this.log(id);
    log.file.write(`[llm-manager ${new Date().toISOString()}] ${text}\n`);
    this.record(log, 'system', text);
  }

  /** Follows one output stream of one process until it ends. Never pauses it. */
  attach(id: string, readable: Readable, stream: Exclude<LogStream, 'system'>, processName?: string): void {
    const log = this.log(id);
    const splitter = new LineSplitter(MAX_LINE_CHARS);
    readable.setEncoding('utf8');
    readable.on('data', (chunk: string) => {
      log.file.write(chunk);
      for (const text of splitter.push(chunk)) this.record(log, stream, text, processName);
    });
    readable.on('end', () => {
      for (const text of splitter.flush()) {
        log.file.write('\n');
        this.record(log, stream, text, processName);
      }
    });
    // A pipe that fails (rare: the child's end torn down oddly) must not become an unhandled error.
    readable.on('error', (error) => this.system(id, `could not read ${processName ? `${processName}'s ` : ''}${stream}: ${error.message}`));
  }

  tail(id: string, limit: number, before?: number): LogLine[] {
    return this.logs.get(id)?.ring.tail(limit, before) ?? [];
  }

  /** Searches the files on disk, oldest first, so it covers more than memory holds. */
  async search(id: string, query: LogQuery): Promise<{ matches: LogSearchMatch[]; truncated: boolean }> {
    const test = logLineTest(query.text, query);
    const files = [];
    for (let i = this.options.rotatedFiles; i >= 1; i--) files.push(`${this.fileOf(id)}.${i}`);
    files.push(this.fileOf(id));
    return searchFiles(files, test, query.limit, { maxBytes: this.options.maxSearchBytes, maxLineChars: MAX_LINE_CHARS });
  }

  async close(): Promise<void> {
    for (const log of this.logs.values()) {
      this.flush(log);
      await log.file.close();
    }
  }

  private log(id: string): ProviderLog {
    let log = this.logs.get(id);
    if (!log) {
      log = new ProviderLog(id, this.options);
      this.watch(log);
      this.logs.set(id, log);
    }
    return log;
  }

  /** Says in the provider's own log (where its user looks) what happened to its file. */
  private watch(log: ProviderLog): void {
    const shown = path.join(path.basename(this.options.dir), `${log.id}.log`);
    const file = log.file;
    file.on('problem', (problem) => {
      const retry = Math.max(1, Math.round((problem.retryAt - Date.now()) / 1000));
      this.record(
        log,
        'system',
        `could not write ${shown}: ${problem.message}; keeping the log in memory only (trying the disk again in ${retry} s)`,
      );
      this.emit('problem', { id: log.id, file: file.file, problem });
    });
    file.on('recovered', ({ problem, lostBytes }) => {
      const note = `writing ${shown} again${lostBytes > 0 ? `; ${lostBytes} bytes of output from the time it could not (${problem.code}) are in memory only` : ''}`;
      this.system(log.id, note);
      this.emit('problem', { id: log.id, file: file.file });
    });
    file.on('caughtUp', ({ skippedBytes }) =>
      this.system(log.id, `the disk could not keep up: ${skippedBytes} bytes of output are missing from ${shown} (kept in memory only)`),
    );
    file.on('replaced', ({ reason }) => this.system(log.id, `${reason}; writing a new ${shown}`));
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
