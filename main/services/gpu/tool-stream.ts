import { spawn, type ChildProcess } from 'node:child_process';
import { LineSplitter } from '../logs/line-splitter';

export interface ToolStreamOptions {
  /** Executable and arguments, asked again at every (re)start so a new interval applies. */
  argv: () => string[];
  onLine: (line: string) => void;
  /** First wait before a restart; doubles per failure up to `maxBackoffMs`, back to this after output. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export type ToolStreamStatus = 'idle' | 'running' | 'waiting' | 'unavailable' | 'closed';

/**
 * One long-lived monitoring process (nvidia-smi -lms, powermetrics -i) read line by line as it
 * prints. Restarted with backoff when it dies; given up for good when the executable is missing.
 */
export class ToolStream {
  private child?: ChildProcess;
  private timer?: ReturnType<typeof setTimeout>;
  private backoffMs: number;
  private _status: ToolStreamStatus = 'idle';
  /** How many times it had to be started again. */
  restarts = 0;

  constructor(private readonly options: ToolStreamOptions) {
    this.backoffMs = options.minBackoffMs ?? 1_000;
  }

  get status(): ToolStreamStatus {
    return this._status;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this._status === 'closed' || this._status === 'unavailable' || this.child) return;
    clearTimeout(this.timer);
    const [command, ...args] = this.options.argv();
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    this._status = 'running';
    const lines = new LineSplitter();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.backoffMs = this.options.minBackoffMs ?? 1_000;
      for (const line of lines.push(chunk)) this.options.onLine(line);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' && error.code !== 'EACCES') return; // 'exit' follows and restarts it
      this.child = undefined;
      this._status = 'unavailable';
    });
    child.on('exit', () => {
      if (this.child !== child) return;
      this.child = undefined;
      for (const line of lines.flush()) this.options.onLine(line);
      if (this._status !== 'running') return;
      this._status = 'waiting';
      this.timer = setTimeout(() => {
        this.restarts++;
        this.start();
      }, this.backoffMs);
      this.timer.unref();
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 60_000);
    });
  }

  /** Stops the process and starts a fresh one (new arguments, e.g. a new interval). */
  restart(): void {
    if (this._status === 'closed' || this._status === 'unavailable') return;
    const child = this.child;
    this.child = undefined;
    child?.kill();
    this._status = 'idle';
    this.start();
  }

  /** Stops the process for now; the next start() runs it again. */
  pause(): void {
    if (this._status === 'closed' || this._status === 'unavailable') return;
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    this._status = 'idle';
    child?.kill();
  }

  close(): void {
    this._status = 'closed';
    clearTimeout(this.timer);
    this.child?.kill();
    this.child = undefined;
  }
}
