import { renameSync } from 'node:fs';
import path from 'node:path';
import electronLog from 'electron-log/node';
import envPaths from 'env-paths';

import type { BaseDirChoice, Paths } from '../base-dir/paths';

/**
 * Where the app's own log goes: the OS's log folder (~/.local/state/local-llm-manager on Linux,
 * ~/Library/Logs/local-llm-manager on macOS, %LOCALAPPDATA%\local-llm-manager\Log on Windows) for the
 * base directory the user chose or the default one; beside the base directory (logs/app.log) when
 * HELIX_LOCAL_LLM_DIR picks it for one run, so a test or a second instance never writes into the
 * user's log.
 */
export function appLogFile(paths: Paths, source: BaseDirChoice['source'] = 'env', osLogDir = defaultOsLogDir()): string {
  return source === 'env' ? path.join(paths.logs, 'app.log') : path.join(osLogDir, 'app.log');
}

export function defaultOsLogDir(): string {
  return envPaths('local-llm-manager', { suffix: '' }).log;
}

export type AppLogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<AppLogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Past this size the log is moved to app.log.1 (one old file kept). */
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * One line of the app log: `[ISO time] LEVEL pid N: message`, then the error's stack on the lines
 * after. The desktop app and `serve` write this same format (the desktop routes electron-log/main's
 * Electron events through AppLog too), so one reader and one diagnostics archive fit both.
 */
export function formatAppLogLine(level: AppLogLevel, message: string, error?: unknown, now = new Date(), pid = process.pid): string {
  const detail = error === undefined ? '' : `\n${error instanceof Error ? (error.stack ?? error.message) : safeString(error)}`;
  return `[${now.toISOString()}] ${level.toUpperCase()} pid ${pid}: ${message}${detail}`;
}

/**
 * The app's own log (not a provider's): how it started and stopped, and every error that escaped
 * a handler, with its stack. Written by electron-log's Node file transport, synchronously, because
 * the moment that matters most is the one just before the process dies; it rotates at 5 MiB, and a
 * write that fails is dropped rather than thrown.
 */
export class AppLog {
  private readonly writer: ReturnType<typeof electronLog.create>;

  /**
   * @param level How much to write, read at each line so a change in Settings (or a hand edit of
   *   settings.json) applies at once: `info` writes info, warnings and errors; `debug` everything.
   */
  constructor(
    readonly file: string,
    private readonly level: () => AppLogLevel = () => 'info',
  ) {
    this.writer = electronLog.create({ logId: `app-log:${file}` });
    this.writer.transports.console.level = false;
    const transport = this.writer.transports.file;
    transport.level = 'silly'; // the level is ours (enabled() below), checked before a line is built
    transport.resolvePathFn = () => file;
    transport.format = ({ data }) => data as unknown[]; // the line is built by formatAppLogLine
    transport.maxSize = MAX_BYTES;
    transport.sync = true;
    transport.archiveLogFn = (old) => {
      try {
        renameSync(old.toString(), `${file}.1`);
      } catch {
        // Not renamed (a locked file on Windows): electron-log then crops it instead.
      }
    };
  }

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
    try {
      this.writer[level](formatAppLogLine(level, message, error));
    } catch {
      // A full disk or a vanished folder must not turn logging into a second failure.
    }
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}
