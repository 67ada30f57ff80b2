import type { AppLog } from './services/logs/app-log';

export interface ShutdownOptions {
  /** The graceful stop: every provider's tree (grace period, then SIGKILL), servers, the lock. */
  stop(reason: string): Promise<void>;
  /** Asked again while stopping: kill what the graceful stop still gives a grace period to. */
  hurry(): Promise<void>;
  /** Nothing can be awaited any more: SIGKILL every process group we started. */
  killNow(): void;
  log: AppLog;
  /** Where the user sees what happens (the terminal); stderr by default. */
  say?: (line: string) => void;
  exit?: (code: number) => void;
  /**
   * Signals this close to the first are the same request arriving by several routes (the
   * terminal signals its whole process group, npm forwards to its child too): not a second ask.
   */
  duplicateWindowMs?: number;
  /** Past this the stop is abandoned: kill everything now and exit non-zero. Read when the shutdown begins. */
  deadlineMs?: () => number;
}

export interface Shutdown {
  /** Starts the shutdown (once; later calls return the same promise). Ends with `exit`. */
  request(reason: string): Promise<void>;
  readonly requested: boolean;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** What the process exits with when an error escaped every handler (EX_SOFTWARE). */
export const CRASH_EXIT_CODE = 70;

/**
 * One idempotent shutdown for the whole process: SIGINT, SIGTERM, SIGHUP, a tray Quit or a window
 * close all converge here. A second request after the duplicate window hurries the stop; it never
 * kills the process before its providers are stopped. An error that escaped every handler is
 * written to the app log with its stack, providers are stopped, and the process exits non-zero:
 * never a silent death, never a half-alive host.
 */
export function installShutdown(options: ShutdownOptions): Shutdown {
  // The terminal or pipe we print to may be gone (a closed SSH session, `| tee` killed by the same
  // Ctrl-C): a write then fails with EPIPE. That is no crash: the app log still gets everything,
  // and nothing more is printed. Without these listeners the EPIPE became an uncaughtException,
  // whose report was printed, failed again, and so on: a host spinning instead of stopping.
  let quiet = false;
  const onStdioError = (error: NodeJS.ErrnoException) => {
    if (quiet) return;
    quiet = true;
    options.log.write('warn', `standard output is gone (${error.code ?? error.message}); the rest goes only to this log`);
  };
  process.stdout.on('error', onStdioError);
  process.stderr.on('error', onStdioError);
  const say = (line: string) => {
    if (quiet) return;
    try {
      if (options.say) options.say(line);
      else process.stderr.write(`${line}\n`);
    } catch (error) {
      onStdioError(error as NodeJS.ErrnoException);
    }
  };
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const window = options.duplicateWindowMs ?? 1000;
  let firstAt = 0;
  let hurried = false;
  let stopping: Promise<void> | undefined;

  const finish = (code: number) => {
    options.log.write('info', `exiting with code ${code}`);
    exit(code);
  };

  const request = (reason: string, code = 0): Promise<void> => {
    if (stopping) return stopping;
    firstAt = performance.now();
    options.log.write('info', `shutting down: ${reason}`);
    const deadlineMs = options.deadlineMs?.() ?? 60_000;
    const deadline = setTimeout(() => {
      options.log.write('error', `shutdown did not finish within ${deadlineMs} ms; killing what is left`);
      options.killNow();
      finish(1);
    }, deadlineMs);
    stopping = options.stop(reason).then(
      () => {
        clearTimeout(deadline);
        finish(code);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.log.write('error', 'shutdown failed; killing what is left', error);
        say(`Shutdown failed: ${(error as Error)?.message ?? String(error)}`);
        options.killNow();
        finish(1);
      },
    );
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      say(`${signal}: stopping every provider… (press Ctrl-C again to stop them at once)`);
      void request(`${signal} received`);
      return;
    }
    if (hurried || performance.now() - firstAt < window) return;
    hurried = true;
    say(`${signal} again: stopping every provider at once.`);
    options.log.write('info', `${signal} during shutdown: hurrying`);
    options.hurry().catch((error: unknown) => options.log.write('error', 'hurrying the shutdown failed', error));
  };

  let crashes = 0;
  const onCrash = (error: unknown, kind: string) => {
    // Reported in full once; after that only counted, so an error that repeats cannot flood the log.
    if (++crashes > 1) {
      if (crashes === 2) options.log.write('error', `${kind} again while stopping (further ones are not logged)`, error);
      return;
    }
    options.log.write('error', `${kind}: an error escaped every handler; stopping providers and exiting`, error);
    say(
      `Internal error (${kind}): ${(error as Error)?.stack ?? String(error)}\nDetails are in ${options.log.file}. Stopping every provider.`,
    );
    if (!stopping) {
      hurried = true;
      void options.hurry().catch(() => undefined);
      void request(`${kind}`, CRASH_EXIT_CODE);
    }
  };
  const onException = (error: unknown) => onCrash(error, 'uncaughtException');
  const onRejection = (error: unknown) => onCrash(error, 'unhandledRejection');

  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  return {
    request: (reason) => request(reason),
    get requested() {
      return stopping !== undefined;
    },
    dispose() {
      process.stdout.off('error', onStdioError);
      process.stderr.off('error', onStdioError);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
