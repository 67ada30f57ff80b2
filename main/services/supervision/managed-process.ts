import type { LogService } from '../logs/logs';
import { readProcesses, sameProcess, startOf, type ProcessEntry, type ProcessStart } from '../os/process-table';
import { windowsCommandLine } from '../os/process-table-win32';
import { descendantsOf, stopTree } from '../os/process-tree';
import { notStarted, spawnInOwnGroup, splitNodeArgs, type NodeLauncher, type ProcessExit, type StartedProcess } from './started-process';

export type { NodeLauncher, ProcessExit } from './started-process';

export interface ProcessLaunch {
  /** The provider the process belongs to (its log). */
  providerId: string;
  /** The recipe's process name ("server", "controller", …). */
  name: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** argv[0] is the app's own Node runtime (`{node}` in the recipe): the host's node launcher may run it. */
  runtime?: 'node';
}

/**
 * One child process of a provider: its own process group (so its whole tree can be signalled),
 * output into the provider's log, and an `exited` promise that always settles.
 */
export class ManagedProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly child: StartedProcess;
  private exit?: ProcessExit;
  /** Descendants seen while it ran, with what names each (command, start time). */
  private readonly known = new Map<number, ProcessEntry>();
  private startedRead?: Promise<ProcessEntry | undefined>;

  /**
   * `nodeLauncher`: how the host runs `{node}` launches (the desktop shell's utility processes);
   * without one they are spawned like any program (headless: argv[0] is node itself).
   */
  constructor(
    readonly launch: ProcessLaunch,
    logs: LogService,
    nodeLauncher?: NodeLauncher,
  ) {
    this.child = start(launch, nodeLauncher);
    if (this.child.stdout) logs.attach(launch.providerId, this.child.stdout, 'stdout', launch.name);
    if (this.child.stderr) logs.attach(launch.providerId, this.child.stderr, 'stderr', launch.name);
    this.exited = this.child.exited.then((exit) => (this.exit = exit));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Settles once the PID is known (at once for a spawned program, a moment later for a utility process) or it could not start. */
  get spawned(): Promise<void> {
    return this.child.spawned;
  }

  /** Leads its own process group (POSIX): a stop and the exit-time kill signal the group. */
  get ownGroup(): boolean {
    return this.child.ownGroup;
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
  async identity(): Promise<(ProcessStart & { pid: number; command: string }) | undefined> {
    await this.spawned;
    if (this.pid === undefined) return undefined;
    const seen = await this.started();
    if (seen?.command) return { pid: this.pid, command: seen.command, ...startOf(seen) };
    return { pid: this.pid, command: process.platform === 'win32' ? windowsCommandLine(this.launch.argv) : this.launch.argv.join(' ') };
  }

  /**
   * Remembers the processes under this one now. A child that left our process group (setsid), or
   * any orphan on Windows, loses its link to us when we die: this snapshot is how a crash still
   * finds it.
   */
  async snapshotTree(): Promise<void> {
    await this.spawned;
    if (this.pid === undefined || this.hasExited) return;
    for (const entry of await descendantsOf(this.pid, (await this.started())?.startedAt)) {
      if (entry.command && !this.known.has(entry.pid)) this.known.set(entry.pid, entry);
    }
  }

  /** SIGTERM to the whole tree, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<{ forced: boolean }> {
    // A stop asked before a utility process knew its PID must still reach it.
    await this.spawned;
    if (this.pid === undefined) return { forced: false };
    const strays = await this.knownStillRunning();
    // Not a group leader (a utility process) and gone: its PID names nothing of ours any more.
    if (this.hasExited && !this.ownGroup && process.platform !== 'win32' && strays.length === 0) return { forced: false };
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
      .filter((entry) => sameProcess({ command: entry.command!, ...startOf(entry) }, now?.get(entry.pid)))
      .map((entry) => entry.pid);
  }
}

/** Runs a launch: through the node launcher when it is a `{node}` script and the host has one, else spawned in its own group. */
function start(launch: ProcessLaunch, nodeLauncher?: NodeLauncher): StartedProcess {
  if (launch.runtime !== 'node' || !nodeLauncher)
    return spawnInOwnGroup(launch.argv, { cwd: launch.cwd, env: { ...process.env, ...launch.env } });
  const script = splitNodeArgs(launch.argv.slice(1));
  if (!script)
    return notStarted(
      `the desktop app runs {node} only with a script file (${launch.argv.slice(1).join(' ') || 'none given'}); ` +
        'give the script path after {node}, or run the provider headless (local-llm-manager serve)',
    );
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...launch.env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return nodeLauncher({ ...script, env, cwd: launch.cwd, name: `${launch.providerId} ${launch.name}` });
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
