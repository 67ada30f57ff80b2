import { spawn, type ChildProcess } from 'node:child_process';
import type { LogService } from '../logs/logs';
import { readProcesses, sameProcess, type ProcessEntry } from '../os/process-table';
import { windowsCommandLine } from '../os/process-table-win32';
import { descendantsOf, stopTree } from '../os/process-tree';

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
  /** Descendants seen while it ran, with what names each (command, start time). */
  private readonly known = new Map<number, ProcessEntry>();
  private startedRead?: Promise<ProcessEntry | undefined>;

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
   * This process as the OS lists it, read once, on first need (an install step never needs it).
   * Until 'exit' the PID cannot be someone else's (not reaped yet; on Windows Node holds a
   * handle), so a read that finishes before it is this process.
   */
  private started(): Promise<ProcessEntry | undefined> {
    const pid = this.pid;
    if (pid === undefined || this.hasExited) return this.startedRead ?? Promise.resolve(undefined);
    return (this.startedRead ??= readProcesses([pid]).then((table) => (this.hasExited ? undefined : table?.get(pid))));
  }

  /**
   * What names this process for a later check that a PID still belongs to it (run records): the
   * command line as the OS shows it (a script shows its interpreter) and the start time. Falls back
   * to the argv, joined as the OS would show it, when the OS cannot be read.
   */
  async identity(): Promise<{ pid: number; command: string; startedAt?: number } | undefined> {
    if (this.pid === undefined) return undefined;
    const seen = await this.started();
    if (seen?.command)
      return { pid: this.pid, command: seen.command, ...(seen.startedAt !== undefined ? { startedAt: seen.startedAt } : {}) };
    return { pid: this.pid, command: process.platform === 'win32' ? windowsCommandLine(this.launch.argv) : this.launch.argv.join(' ') };
  }

  /**
   * Remembers the processes under this one now. A child that left our process group (setsid), or
   * any orphan on Windows, loses its link to us when we die: this snapshot is how a crash still
   * finds it.
   */
  async snapshotTree(): Promise<void> {
    if (this.pid === undefined || this.hasExited) return;
    for (const entry of await descendantsOf(this.pid, (await this.started())?.startedAt)) {
      if (entry.command && !this.known.has(entry.pid)) this.known.set(entry.pid, entry);
    }
  }

  /** SIGTERM to the whole tree, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<{ forced: boolean }> {
    if (this.pid === undefined) return { forced: false };
    const strays = await this.knownStillRunning();
    const rootStartedAt = (await this.started())?.startedAt;
    const result = await stopTree(this.pid, graceMs, strays, {
      rootExited: this.hasExited,
      ...(rootStartedAt !== undefined ? { rootStartedAt } : {}),
    });
    await this.exited;
    return result;
  }

  /** Remembered descendants that still run the same program (one read of the process table). */
  private async knownStillRunning(): Promise<number[]> {
    if (this.known.size === 0) return [];
    const now = await readProcesses([...this.known.keys()]);
    return [...this.known.values()]
      .filter((entry) =>
        sameProcess(
          { command: entry.command!, ...(entry.startedAt !== undefined ? { startedAt: entry.startedAt } : {}) },
          now?.get(entry.pid),
        ),
      )
      .map((entry) => entry.pid);
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
