import type { ProviderState } from '../../../shared/provider';
import type { ProviderRecipe } from '../../../shared/recipe';
import type { LogService } from '../logs/logs';
import { ManagedProcess, type NodeLauncher, type ProcessExit, type ProcessLaunch } from './managed-process';
import type { StartOptions } from './supervisor';

/**
 * One user-started life of a provider, across automatic restarts, until the user stops it: its
 * ports, its processes (started in order, stopped in reverse), its failure times, and who waits
 * for its start to settle.
 */
export class ProviderRun {
  processes: ManagedProcess[] = [];
  readonly failures: number[] = [];
  /** Bumped on every (re)launch and on stop, so stale timers and exits of an old attempt do nothing. */
  attempt = 0;
  stopping = false;
  /** The restart backoff. */
  timer?: NodeJS.Timeout;
  /** When the current life became healthy (performance.now()); undefined until it does. */
  healthyAt?: number;
  /** Quick failures in a row (crash loop): what the restart delay doubles with. */
  loopStreak = 0;
  private readonly waiting: Array<(state: ProviderState) => void> = [];

  constructor(
    readonly recipe: ProviderRecipe,
    readonly options: StartOptions,
    public port: number,
    readonly extraPorts: Record<string, number>,
    /** How `{node}` launches run (the desktop shell's utility processes); spawned when undefined. */
    private readonly nodeLauncher?: NodeLauncher,
  ) {}

  /** Resolves once the start this run is in settles: running, failed, or stopped meanwhile. */
  settled(): Promise<ProviderState> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  settle(state: ProviderState): void {
    for (const resolve of this.waiting.splice(0)) resolve(state);
  }

  ports(): number[] {
    return [this.port, ...Object.values(this.extraPorts)];
  }

  baseUrl(host: string, portName?: string): string {
    const port = portName ? this.extraPorts[portName] : this.port;
    return `http://${host}:${port ?? this.port}`;
  }

  spawn(launch: ProcessLaunch, logs: LogService, onExit: (child: ManagedProcess, exit: ProcessExit) => void): ManagedProcess {
    const child = new ManagedProcess(launch, logs, this.nodeLauncher);
    this.processes.push(child);
    void child.exited.then((exit) => onExit(child, exit));
    return child;
  }

  /** Process names to PIDs, for the state. */
  pids(): Record<string, number> {
    return Object.fromEntries(this.processes.filter((p) => p.pid).map((p) => [p.launch.name, p.pid!]));
  }

  /**
   * Stops every process, whole trees, in reverse order, then runs the recipe's stop command if it
   * has one (given the same grace period); the names of the processes that had to be killed.
   */
  async stopProcesses(graceMs: number, logs: LogService, stopCommand?: ProcessLaunch): Promise<string[]> {
    const forced: string[] = [];
    // Reverse order: FastChat's API server goes before the worker before the controller.
    for (const child of [...this.processes].reverse()) {
      if ((await child.stop(graceMs)).forced) forced.push(child.launch.name);
    }
    this.processes = [];
    if (stopCommand) {
      const stopper = new ManagedProcess(stopCommand, logs, this.nodeLauncher);
      const done = await Promise.race([stopper.exited, new Promise((r) => setTimeout(r, graceMs))]);
      if (!done) await stopper.stop(1000);
    }
    return forced;
  }

  /** Kills every tree now, without a grace period (a second shutdown request). */
  async hurry(): Promise<void> {
    await Promise.all(this.processes.map((child) => child.stop(0)));
  }

  async snapshotTrees(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.snapshotTree()));
  }

  /** The process groups to kill at exit. */
  groupsToKill(): number[] {
    // POSIX never reuses a PID that still names a process group, so a group whose leader exited is
    // still ours to kill; Windows has no groups, and there an exited PID may be someone else's now.
    return this.processes
      .filter((p) => p.ownGroup || process.platform === 'win32')
      .filter((p) => process.platform !== 'win32' || !p.hasExited)
      .map((p) => p.pid)
      .filter((pid): pid is number => !!pid);
  }

  /** Processes that lead no group (utility processes, POSIX), still running: killed by PID at exit. */
  loneToKill(): number[] {
    if (process.platform === 'win32') return []; // taskkill takes them with the others
    return this.processes
      .filter((p) => !p.ownGroup && !p.hasExited)
      .map((p) => p.pid)
      .filter((pid): pid is number => !!pid);
  }
}
