import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. not found). */
  spawnError?: NodeJS.ErrnoException;
}

/** A started process as ManagedProcess needs it, whoever started it (child_process, or the desktop shell). */
export interface StartedProcess {
  /** Undefined until `spawned` settles (a utility process learns its PID a moment after the call), and when it never started. */
  readonly pid: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /**
   * It leads its own process group (POSIX), so its whole group can be signalled, even after it
   * exited. A utility process does not: it stays in the app's group and is signalled by PID.
   */
  readonly ownGroup: boolean;
  /** Settles once `pid` is known, or the process could not start. */
  readonly spawned: Promise<void>;
  /** Always settles. */
  readonly exited: Promise<ProcessExit>;
}

/**
 * A script to run on the app's own Node runtime (`{node} [node flags] script args…`). Headless
 * that is `node` itself; in the desktop app Electron's binary cannot be Node (the RunAsNode fuse
 * is off), so the shell runs it as a utility process.
 */
export interface NodeLaunch {
  modulePath: string;
  args: string[];
  /** Node flags that came before the script (`--max-old-space-size=…`). */
  execArgv: string[];
  env: Record<string, string>;
  cwd: string;
  /** For the OS's and Electron's process lists: `<provider> <process>`. */
  name: string;
}

export type NodeLauncher = (launch: NodeLaunch) => StartedProcess;

/**
 * `[flags…, script, args…]` after `{node}`: the flags that go before the script, the script and its
 * arguments. Undefined when there is no script file to run (`-e code`, `-p`, `-` or flags only):
 * a utility process can only run a module.
 */
export function splitNodeArgs(args: readonly string[]): Pick<NodeLaunch, 'modulePath' | 'args' | 'execArgv'> | undefined {
  const at = args.findIndex((arg) => !arg.startsWith('-'));
  if (at === -1) return undefined;
  const execArgv = args.slice(0, at);
  // Flags that take the next argument as a value, or that run code instead of a file.
  if (execArgv.some((flag) => /^(-e|-p|--eval|--print|-r|--require|--import|--loader|--experimental-loader|-)$/.test(flag)))
    return undefined;
  return { execArgv, modulePath: args[at]!, args: args.slice(at + 1) };
}

/** child_process.spawn in its own process group (POSIX), so a stop reaches the whole tree. */
export function spawnInOwnGroup(argv: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string }): StartedProcess {
  const [command, ...args] = argv;
  const child = spawn(command!, args, {
    cwd: options.cwd,
    env: options.env,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A spawn failure emits 'error' and no 'exit'; a later kill failure is not an exit.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: error });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    get pid() {
      return child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    ownGroup: process.platform !== 'win32',
    // spawn() knows the PID on return, or never will.
    spawned: Promise.resolve(),
    exited,
  };
}

/** A process that never started: what a launch that cannot be run becomes, so callers see one shape. */
export function notStarted(message: string): StartedProcess {
  const spawnError: NodeJS.ErrnoException = Object.assign(new Error(message), { code: 'ENOEXEC' });
  return {
    pid: undefined,
    stdout: null,
    stderr: null,
    ownGroup: false,
    spawned: Promise.resolve(),
    exited: Promise.resolve({ code: null, signal: null, spawnError }),
  };
}
