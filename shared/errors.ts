/**
 * The one error shape that crosses every boundary (IPC, WebSocket, CLI output).
 * `hint` tells the user what to do about it, not what went wrong.
 */
export interface AppError {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** Machine-readable detail, e.g. the list of schema issues. Always JSON-serialisable. */
  details?: unknown;
}

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'BAD_MESSAGE'
  | 'UNKNOWN_METHOD'
  | 'UNAUTHORIZED'
  | 'DISCONNECTED'
  | 'TIMEOUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'SETTINGS_INVALID'
  | 'IO_ERROR'
  | 'INTERNAL';

/** Thrown inside the host; turned into an `AppError` at the wire. */
export class AppFailure extends Error implements AppError {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(error: AppError) {
    super(error.message);
    this.name = 'AppFailure';
    this.code = error.code;
    this.hint = error.hint;
    this.details = error.details;
  }

  toJSON(): AppError {
    return toAppError(this);
  }
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}

/** Anything thrown becomes an AppError; unexpected errors keep their message but never a stack. */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof AppFailure || isAppError(thrown)) {
    const { code, message, hint, details } = thrown;
    return details === undefined ? { code, message, hint } : { code, message, hint, details };
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: 'INTERNAL', message, hint: 'This is a bug in Local LLM Manager; the host log has the details.' };
}
