/** How much the Node API tells its logger: each level includes the ones after it. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where the Node API writes what it does (the spec's `SetLogger`). `console` fits, as does pino,
 * winston or bunyan: any object with these methods. A missing `debug` falls back to `info`.
 */
export interface Logger {
  debug?(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** A logger gated by a level; the default writes nothing, as a library should until asked. */
export class LevelledLogger {
  private logger: Logger | undefined;
  private level: LogLevel = 'info';

  set(logger: Logger | undefined, level?: LogLevel): void {
    this.logger = logger;
    if (level) this.setLevel(level);
  }

  setLevel(level: LogLevel): void {
    if (!LOG_LEVELS.includes(level)) throw new TypeError(`Log level "${String(level)}" is not one of ${LOG_LEVELS.join(', ')}.`);
    this.level = level;
  }

  get currentLevel(): LogLevel {
    return this.level;
  }

  write(level: Exclude<LogLevel, 'silent'>, message: string, ...rest: unknown[]): void {
    if (!this.logger || LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(this.level)) return;
    const method = level === 'debug' ? (this.logger.debug ?? this.logger.info) : this.logger[level];
    method.call(this.logger, message, ...rest);
  }
}
