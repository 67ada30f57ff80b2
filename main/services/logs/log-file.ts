import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/** At most one "the disk could not keep up" note per this long (the bytes add up meanwhile). */
const GAP_REPORT_MS = 10_000;

export interface LogFileOptions {
  dir: string;
  id: string;
  maxFileSize: string;
  rotatedFiles: number;
  /** The first wait before trying the disk again after a failure; doubles up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
  /** Bytes waiting for the disk beyond which new output is kept in memory only, not queued. */
  maxQueuedBytes: number;
  /** At most this often (while output flows), check that the file we write is still the one on disk. */
  checkMs: number;
}

/** Why the file is not being written: what the OS said, and since when. */
export interface LogFileProblem {
  file: string;
  code: string;
  message: string;
  since: number;
  /** When the next write will try the disk again. */
  retryAt: number;
}

export type LogFileEvents = {
  /** Writing failed (or failed differently than before); output is kept in memory only. */
  problem: [LogFileProblem];
  /** A write reached the disk again after a problem; `lostBytes` of output never did. */
  recovered: [{ problem: LogFileProblem; lostBytes: number }];
  /** Output was not queued for the disk, which could not keep up; now it can again. */
  caughtUp: [{ skippedBytes: number }];
  /** The file was deleted or replaced under us (its folder removed); a new one is being written. */
  replaced: [{ reason: string }];
};

/**
 * One provider's log file on disk (`logs/<id>.log`, rotated by size), written so that nothing
 * about the disk can hurt the provider or the host:
 * - `write` never throws and never waits: the caller (a child's stdout) is never paused, so a
 *   provider can never block on its pipe because of us;
 * - every stream error is handled (an unhandled 'error' would end the host): the file is dropped,
 *   the problem reported once, and the disk tried again after a back-off;
 * - while the disk is slower than the output, output beyond `maxQueuedBytes` is not queued
 *   (memory stays bounded) and the gap is reported when it catches up;
 * - a file deleted or replaced under us (rm -rf logs/) is noticed and written anew.
 * The lines themselves are always in the memory ring; this class is only about the copy on disk.
 */
export class LogFile extends EventEmitter<LogFileEvents> {
  readonly file: string;
  private stream?: RotatingFileStream;
  private current?: LogFileProblem;
  private retryDelay: number;
  private lostBytes = 0;
  private skippedBytes = 0;
  /** The inode `file` had when the stream opened it; another one on disk means it was replaced. */
  private inode?: number;
  private rotating = false;
  // Times from performance.now(): the wall clock may be set meanwhile (NTP after a suspend), and a
  // clock set back an hour must not hold off the checks, reports and retries for an hour.
  private lastCheck = -Infinity;
  private checking = false;
  private closed = false;
  private lastGapReport = -Infinity;
  /** When the next try to open the file may be made, after a failure. */
  private retryAfter = -Infinity;

  constructor(private readonly options: LogFileOptions) {
    super();
    this.file = path.join(options.dir, `${options.id}.log`);
    this.retryDelay = options.retryMs;
  }

  /** What stops the file from being written now, if anything. */
  get problem(): LogFileProblem | undefined {
    return this.current;
  }

  write(text: string): void {
    if (this.closed) return;
    const stream = this.open();
    const bytes = Buffer.byteLength(text);
    if (!stream) {
      this.lostBytes += bytes;
      return;
    }
    if (stream.writableLength > this.options.maxQueuedBytes) {
      this.skippedBytes += bytes;
      return;
    }
    // Caught up after skipping: say so, but not every time a slow disk falls behind again.
    if (this.skippedBytes > 0 && performance.now() - this.lastGapReport >= GAP_REPORT_MS) this.reportGap();
    stream.write(text, (error) => {
      if (!error && stream === this.stream) this.confirmed();
    });
    this.checkStillThere(stream);
  }

  async close(): Promise<void> {
    if (this.skippedBytes > 0) this.reportGap();
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    // `finished` calls back on finish, on error and on a stream already destroyed: close never hangs.
    await new Promise<void>((resolve) => {
      finished(stream, () => resolve());
      stream.end();
    });
  }

  private reportGap(): void {
    const skippedBytes = this.skippedBytes;
    this.skippedBytes = 0;
    this.lastGapReport = performance.now();
    this.emit('caughtUp', { skippedBytes });
  }

  /** The stream to write to, opened (again) unless we are waiting out a back-off. */
  private open(): RotatingFileStream | undefined {
    if (this.stream) return this.stream;
    if (this.current && performance.now() < this.retryAfter) return undefined;
    // rotating-file-stream creates the folder when it is missing, so a removed logs/ comes back here.
    const stream = createStream(
      (index: number | Date | null) =>
        typeof index === 'number' && index > 0 ? `${this.options.id}.log.${index}` : `${this.options.id}.log`,
      {
        path: this.options.dir,
        size: this.options.maxFileSize,
        rotate: this.options.rotatedFiles,
      },
    );
    this.stream = stream;
    this.inode = undefined;
    this.rotating = false;
    stream.on('error', (error: NodeJS.ErrnoException) => this.failed(stream, error));
    stream.on('rotation', () => (this.rotating = true));
    stream.on('open', () => {
      stat(this.file).then(
        (info) => {
          if (stream !== this.stream) return;
          this.inode = info.ino;
          this.rotating = false;
        },
        () => undefined,
      );
    });
    return stream;
  }

  private failed(stream: RotatingFileStream, error: NodeJS.ErrnoException): void {
    if (stream !== this.stream) return;
    this.stream = undefined;
    // What was queued behind the failed write never reaches the disk.
    this.lostBytes += stream.writableLength;
    stream.destroy();
    const code = error.code ?? 'EIO';
    const now = Date.now();
    const retryAt = now + this.retryDelay;
    this.retryAfter = performance.now() + this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetryMs);
    // The same failure again on a retry is not news: keep the first report, move the retry time.
    if (this.current?.code === code) {
      this.current = { ...this.current, retryAt };
      return;
    }
    this.current = { file: this.file, code, message: error.message, since: now, retryAt };
    this.emit('problem', this.current);
  }

  private confirmed(): void {
    if (!this.current) return;
    const problem = this.current;
    const lostBytes = this.lostBytes;
    this.current = undefined;
    this.lostBytes = 0;
    this.retryDelay = this.options.retryMs;
    this.emit('recovered', { problem, lostBytes });
  }

  /**
   * An open file whose folder was removed takes writes without error (they go nowhere), so look
   * at the path now and then: gone or another inode means write a new file.
   */
  private checkStillThere(stream: RotatingFileStream): void {
    const now = performance.now();
    if (this.checking || this.rotating || this.inode === undefined || now - this.lastCheck < this.options.checkMs) return;
    this.lastCheck = now;
    this.checking = true;
    const inode = this.inode;
    stat(this.file)
      .then(
        (info) => info.ino !== inode && this.replace(stream, inode, `${this.file} was replaced by another file`),
        (error: NodeJS.ErrnoException) => this.replace(stream, inode, `${this.file} was removed (${error.code ?? error.message})`),
      )
      .finally(() => (this.checking = false));
  }

  private replace(stream: RotatingFileStream, inode: number, reason: string): void {
    // Rotation may have run meanwhile (a new inode of our own); only a stream still on the file we looked at is stale.
    if (stream !== this.stream || this.rotating || inode !== this.inode || this.closed) return;
    this.stream = undefined;
    stream.destroy();
    this.emit('replaced', { reason });
  }
}
