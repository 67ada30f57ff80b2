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

/**
 * The brand only our constructor puts on an error. A registered symbol, so two bundled copies of
 * this module (main and a chunk) still agree; JSON never carries a symbol, so nothing that arrives
 * as bytes can claim it: a client makes its own AppFailure from the wire's { code, message, hint }.
 */
const APP_ERROR_BRAND: unique symbol = Symbol.for('local-llm-manager.app-error') as never;

/** Thrown inside the host; turned into an `AppError` at the wire. */
export class AppFailure extends Error implements AppError {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: unknown;
  readonly [APP_ERROR_BRAND] = true;

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

/**
 * Made by our constructor, not merely shaped like one: a Node ErrnoException ({ code: 'ENOENT',
 * message }) or any other object with a code is not an app error but a bug (INTERNAL).
 */
export function isAppError(value: unknown): value is AppFailure {
  return typeof value === 'object' && value !== null && (value as { [APP_ERROR_BRAND]?: unknown })[APP_ERROR_BRAND] === true;
}

export const INTERNAL_HINT = 'This is a bug in Local LLM Manager; the host log has the details. Please report it.';

/** Anything thrown becomes an AppError; unexpected errors keep their message but never a stack. */
export function toAppError(thrown: unknown): AppError {
  if (isAppError(thrown)) {
    const { code, message, hint, details } = thrown;
    return details === undefined ? { code, message, hint } : { code, message, hint, details };
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const hint = thrown instanceof Error ? environmentHint(thrown) : undefined;
  return hint ? { code: 'IO_ERROR', message, hint } : { code: 'INTERNAL', message, hint: INTERNAL_HINT };
}

/**
 * A full disk, a read-only one or a folder this user may not write is the machine's state, not a
 * bug to report: what the user can do about it instead. Only for file-system errors (they carry a
 * path): a port below 1024 refused with EACCES is not about folders.
 */
function environmentHint(error: Error): string | undefined {
  const { code, syscall, path } = error as Error & { code?: unknown; syscall?: unknown; path?: unknown };
  if (code === 'ENOSPC' && typeof syscall === 'string' && syscall.startsWith('watch'))
    return "The system's limit on watched files is reached: raise it (sysctl fs.inotify.max_user_watches=524288), then try again.";
  if (code === 'ENOSPC') return 'The disk is full: free some space, then try again.';
  if (code === 'EDQUOT') return 'Your disk quota is used up: free some space, then try again.';
  if (typeof path !== 'string') return undefined;
  if (code === 'EROFS') return 'That disk is read-only: choose a base directory on a writable disk (Settings, or HELIX_LOCAL_LLM_DIR).';
  if (code === 'EACCES' || code === 'EPERM')
    return "This user may not write there: check the folder's owner and permissions, or choose another base directory (Settings, or HELIX_LOCAL_LLM_DIR).";
  return undefined;
}
