import { spawn, type ChildProcess } from 'node:child_process';
import type { LogService } from './logs';
import { commandLineOf, stillRuns, stopTree, treeOf } from './process-tree';

export interface ProcessLaunch {
  /** The provider the process belongs to (its log). */
  providerId: string;
  /** The recipe's process name ("server", "controller", …). */
  name: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. not found). */
  spawnError?: NodeJS.ErrnoException;
}

/**
 * One child process of a provider: its own process group (so its whole tree can be signalled),
 * output into the provider's log, and an `exited` promise that always settles.
 */
export class ManagedProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private exit?: ProcessExit;
  private readonly known = new Map<number, string>();

  constructor(
    readonly launch: ProcessLaunch,
    logs: LogService,
  ) {
    const [command, ...args] = launch.argv;
    this.child = spawn(command!, args, {
      cwd: launch.cwd,
      env: { ...process.env, ...launch.env },
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    logs.attach(launch.providerId, this.child.stdout!, 'stdout', launch.name);
    logs.attach(launch.providerId, this.child.stderr!, 'stderr', launch.name);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        // A spawn failure emits 'error' and no 'exit'; a later kill failure is not an exit.
        if (this.child.pid === undefined) resolve((this.exit = { code: null, signal: null, spawnError: error }));
      });
      this.child.once('exit', (code, signal) => resolve((this.exit = { code, signal })));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /**
   * Remembers the processes under this one now. A child that left our process group (setsid)
   * loses its link to us when we die: this snapshot is how a crash still finds it.
   */
  async snapshotTree(): Promise<void> {
    if (this.pid === undefined || this.hasExited) return;
    for (const pid of await treeOf(this.pid)) {
      if (pid === this.pid || this.known.has(pid)) continue;
      const command = await commandLineOf(pid);
      if (command) this.known.set(pid, command);
    }
  }

  /** SIGTERM to the whole tree, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<{ forced: boolean }> {
    if (this.pid === undefined) return { forced: false };
    const strays = await this.knownStillRunning();
    const result = await stopTree(this.pid, graceMs, strays);
    await this.exited;
    return result;
  }

  /** Remembered descendants that still run the same program. */
  private async knownStillRunning(): Promise<number[]> {
    const alive: number[] = [];
    for (const [pid, command] of this.known) if (await stillRuns(pid, command)) alive.push(pid);
    return alive;
  }
}

export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) {
    return exit.spawnError.code === 'ENOENT'
      ? `could not be started: "${exit.spawnError.path ?? 'the program'}" was not found`
      : `could not be started: ${exit.spawnError.message}`;
  }
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
