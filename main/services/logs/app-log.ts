import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

import type { Paths } from '../base-dir/paths';

/** logs/app.log in the base directory, beside the providers' logs. */
export function appLogFile(paths: Paths): string {
  return path.join(paths.logs, 'app.log');
}

export type AppLogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<AppLogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Past this size the log is moved to app.log.1 (one old file kept). */
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * The app's own log (not a provider's): how it started and stopped, and every error that escaped
 * a handler, with its stack. Written synchronously, because the moment that matters most is the
 * one just before the process dies; a write that fails is dropped rather than thrown.
 */
export class AppLog {
  /**
   * @param level How much to write, read at each line so a change in Settings (or a hand edit of
   *   settings.json) applies at once: `info` writes info, warnings and errors; `debug` everything.
   */
  constructor(
    readonly file: string,
    private readonly level: () => AppLogLevel = () => 'info',
  ) {}

  /** Whether a line at this level would be written: callers skip building costly debug lines. */
  enabled(level: AppLogLevel): boolean {
    let threshold: AppLogLevel = 'info';
    try {
      threshold = this.level();
    } catch {
      // Settings not readable (closing): the default.
    }
    return RANK[level] <= (RANK[threshold] ?? RANK.info);
  }

  write(level: AppLogLevel, message: string, error?: unknown): void {
    if (!this.enabled(level)) return;
    const detail = error === undefined ? '' : `\n${error instanceof Error ? (error.stack ?? error.message) : safeString(error)}`;
    const line = `[${new Date().toISOString()}] ${level.toUpperCase()} pid ${process.pid}: ${message}${detail}\n`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      if (sizeOf(this.file) > MAX_BYTES) renameSync(this.file, `${this.file}.1`);
      appendFileSync(this.file, line);
    } catch {
      // A full disk or a vanished folder must not turn logging into a second failure.
    }
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}
