import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { AppFailure } from '../../../shared/errors';
import type { HealthSample, ProviderError, ProviderState, ProviderStatus } from '../../../shared/provider';
import type { HealthCheck, ProviderRecipe } from '../../../shared/recipe';
import type { Settings } from '../../../shared/settings';
import { listModels } from '../discovery/model-list';
import type { ProviderKeys } from '../secrets/upstream-keys';
import type { LogService } from '../logs/logs';
import { killGroupsNow, killProcessesNow } from '../os/process-tree';
import type { Paths } from '../base-dir/paths';
import { HealthMonitor } from './health-monitor';
import { launchPlan, stopLaunch, type ExpandFn } from './launch-plan';
import { describeExit, type ManagedProcess, type NodeLauncher, type ProcessExit } from './managed-process';
import { placeholderValues, providerConfigDir, providerDataDir } from './placeholder-values';
import type { PlaceholderValues } from './placeholders';
import { allocatePorts, portForRestart } from './port-allocation';
import { ProviderRun } from './provider-run';
import { decideRestart, exitFailure } from './restart-policy';
import { runRecordsOf, type RunRecords } from './run-records';

export type { ExpandFn } from './launch-plan';

export interface SupervisorDeps {
  paths: Paths;
  settings: () => Settings;
  logs: LogService;
  expand: ExpandFn;
  host?: string;
  /** The built-in engine's script, when built (`{engineEntry}`). */
  engineEntry?: string;
  /** First delay of a crash loop (doubling after); 1 s. A provider that had been serving restarts at once. */
  restartBaseDelayMs?: number;
  /** Keys for providers whose API is locked (the user's, or the one TabbyAPI writes itself). */
  keys?: ProviderKeys;
  /**
   * How `{node}` processes run: the desktop shell passes utility processes (its Electron binary
   * cannot act as Node with the RunAsNode fuse off); headless spawns node itself.
   */
  nodeLauncher?: NodeLauncher;
}

export interface StartOptions {
  /** A port the user pinned: taken means fail, never move. */
  pinnedPort?: number;
  model?: string;
  /** Built-in engine tuning, passed through the environment. */
  contextSize?: number;
  threads?: number;
  parallel?: number;
  reason?: string;
  /**
   * The installed provider whose data and config folders this run uses. A model loaded on demand
   * runs as its own provider id (its own log, port and run record) but from that provider's files
   * (llama-server's binary lives in data/llamacpp).
   */
  home?: string;
}

const LOG_TAIL_IN_ERRORS = 20;

/**
 * Owns the child processes of managed providers: start (ports, placeholders, readiness by the
 * recipe's health probe), stop of the whole process tree, crash and hang recovery with backoff,
 * and a give-up limit. Every change is a `state` event with a reason.
 */
export class Supervisor extends EventEmitter<{ state: [ProviderState] }> {
  private readonly runs = new Map<string, ProviderRun>();
  private readonly pendingStarts = new Map<string, Promise<ProviderState>>();
  private readonly states = new Map<string, ProviderState>();
  private readonly health: HealthMonitor;
  private readonly records: RunRecords;
  private readonly host: string;
  private hurried = false;

  constructor(private readonly deps: SupervisorDeps) {
    super();
    this.host = deps.host ?? '127.0.0.1';
    this.records = runRecordsOf(deps.paths);
    this.health = new HealthMonitor({
      settings: deps.settings,
      onSample: (id, sample) => this.setState(id, { health: sample }),
      apiKey: (id) => deps.keys?.forProvider(id),
    });
  }

  /** Kills what a previous host that died without stopping its providers left running. */
  async sweepOrphans(): Promise<string[]> {
    const swept = await this.records.sweep();
    for (const note of swept) this.deps.logs.system(note.providerId, note.message);
    return swept.map((s) => s.message);
  }

  state(id: string): ProviderState | undefined {
    return this.states.get(id);
  }

  healthHistory(id: string): HealthSample[] {
    return this.health.history(id);
  }

  isActive(id: string): boolean {
    return this.runs.has(id);
  }

  /**
   * Resolves once the provider is running, failed, or was stopped meanwhile. Two clients pressing
   * Start together get the same start, never two processes.
   */
  start(recipe: ProviderRecipe, options: StartOptions = {}): Promise<ProviderState> {
    const pending = this.pendingStarts.get(recipe.id);
    if (pending) return pending;
    const started = this.startOnce(recipe, options).finally(() => this.pendingStarts.delete(recipe.id));
    this.pendingStarts.set(recipe.id, started);
    return started;
  }

  private async startOnce(recipe: ProviderRecipe, options: StartOptions): Promise<ProviderState> {
    const existing = this.runs.get(recipe.id);
    if (existing) {
      const current = this.states.get(recipe.id)!;
      if (current.status === 'running' || current.status === 'unhealthy') return current;
      return existing.settled();
    }
    const { port, extraPorts } = await allocatePorts(recipe, { host: this.host, pinned: options.pinnedPort, taken: this.portsInUse() });
    const run = new ProviderRun(recipe, options, port, extraPorts, this.deps.nodeLauncher);
    this.runs.set(recipe.id, run);
    this.setState(recipe.id, {
      status: 'starting',
      reason: options.reason ?? 'started by the user',
      port,
      extraPorts,
      restarts: 0,
      lastError: undefined,
      pid: undefined,
      pids: undefined,
      startedAt: undefined,
      models: undefined,
      locked: undefined,
    });
    const settled = run.settled();
    this.relaunch(run);
    return settled;
  }

  async stop(id: string, reason = 'stopped by the user'): Promise<ProviderState | undefined> {
    const run = this.runs.get(id);
    if (!run) return this.states.get(id);
    run.stopping = true;
    run.attempt++;
    clearTimeout(run.timer);
    this.health.unwatch(id);
    this.setState(id, { status: 'stopping', reason });
    const forced = await this.stopProcesses(run);
    this.runs.delete(id);
    await this.records.remove(id);
    if (forced.length) this.deps.logs.system(id, `${forced.join(', ')} ignored SIGTERM and was killed`);
    this.deps.logs.system(id, reason);
    const state = this.setState(id, { status: 'stopped', reason, pid: undefined, pids: undefined, startedAt: undefined });
    run.settle(state);
    return state;
  }

  async stopAll(reason = 'stopped with all providers'): Promise<ProviderState[]> {
    const stopped = await Promise.all([...this.runs.keys()].map((id) => this.stop(id, reason)));
    return stopped.filter((s): s is ProviderState => s !== undefined);
  }

  /**
   * Shutdown was asked for again while providers were still stopping: what they are being given
   * a grace period for is killed now, whole trees, and later stops skip the grace period.
   */
  async hurry(): Promise<void> {
    this.hurried = true;
    await Promise.all([...this.runs.values()].map((run) => run.hurry()));
  }

  /** Synchronous last resort for process exit: no child outlives the host. */
  killAllNow(): void {
    killGroupsNow([...this.runs.values()].flatMap((run) => run.groupsToKill()));
    killProcessesNow([...this.runs.values()].flatMap((run) => run.loneToKill()));
  }

  // ---- launching ----------------------------------------------------------------------------

  /** Runs `launch` in the background; anything it throws is a failed start, never an unhandled rejection. */
  private relaunch(run: ProviderRun): void {
    const attempt = run.attempt + 1;
    this.launch(run).catch((error: unknown) =>
      this.onFailure(run, attempt, { message: `could not be started: ${(error as Error).message}` }, false),
    );
  }

  private async launch(run: ProviderRun): Promise<void> {
    const attempt = ++run.attempt;
    const { recipe } = run;
    const id = recipe.id;
    const settings = this.deps.settings();
    // performance.now(), as every duration here: the wall clock may be set meanwhile (NTP after a
    // suspend), and a load must not time out, nor a crash loop look stable, because it was.
    const deadline = performance.now() + settings.startupTimeoutSec * 1000;

    // A restart keeps its port unless someone else took it meanwhile.
    if (attempt > 1) {
      const kept = await portForRestart(run.port, {
        host: this.host,
        pinned: run.options.pinnedPort !== undefined,
        preferred: recipe.defaultPort,
        taken: this.portsInUse(),
      });
      if ('conflict' in kept) return this.onFailure(run, attempt, { message: kept.conflict }, false);
      if (kept.port !== run.port) {
        this.deps.logs.system(id, `port ${run.port} was taken meanwhile; moving to ${kept.port}`);
        run.port = kept.port;
        this.setState(id, { port: kept.port });
      }
    }

    let launches;
    try {
      launches = launchPlan(recipe, this.placeholderValues(run), run.options, this.deps.expand);
      await mkdir(providerDataDir(this.deps.paths, run.options.home ?? id), { recursive: true });
      await mkdir(providerConfigDir(this.deps.paths, run.options.home ?? id), { recursive: true });
    } catch (error) {
      const failure = error instanceof AppFailure ? error : new AppFailure({ code: 'INTERNAL', message: (error as Error).message });
      return this.onFailure(run, attempt, { message: failure.message, hint: failure.hint }, false);
    }

    for (const { spec, launch } of launches) {
      if (this.isStale(run, attempt)) return;
      this.deps.logs.system(id, `starting ${launch.name}: ${launch.argv.join(' ')}`);
      const child = run.spawn(launch, this.deps.logs, (exited, exit) => this.onExit(run, attempt, exited, exit));
      await child.spawned; // a utility process learns its PID a moment after the call
      if (child.pid !== undefined) this.deps.logs.system(id, `${launch.name} has pid ${child.pid}`);
      const isLast = spec === recipe.start[recipe.start.length - 1];
      if (isLast) break;
      if (spec.readyCheck) {
        const ready = await this.waitHealthy(run, attempt, spec.readyCheck, deadline);
        if (!ready) return; // onExit, stop or the timeout below already took over
      }
    }
    if (this.isStale(run, attempt)) return;
    const pids = run.pids();
    await this.records
      .write(id, run.processes, run.port)
      .catch((error: unknown) =>
        this.deps.logs.system(id, `could not record its processes for cleanup after a crash: ${(error as Error).message}`),
      );
    this.setState(id, { pids, pid: run.processes.at(-1)?.pid });

    const healthy = await this.waitHealthy(run, attempt, recipe.health, deadline);
    if (!healthy) {
      if (this.isStale(run, attempt)) return;
      const last = this.health.last(id);
      return this.onFailure(run, attempt, {
        message: `did not become healthy within ${settings.startupTimeoutSec} s (${recipe.health.path}: ${last?.detail ?? 'no answer'})`,
        hint: 'Check the log below; raise the startup timeout in Settings if the model needs longer to load.',
      });
    }
    await run.snapshotTrees();
    if (this.isStale(run, attempt)) return;
    run.healthyAt = performance.now();
    const state = this.setState(id, {
      status: 'running',
      reason: attempt === 1 ? `healthy on port ${run.port}` : `healthy again on port ${run.port} after a restart`,
      startedAt: new Date().toISOString(),
    });
    this.deps.logs.system(id, `healthy on port ${run.port}`);
    run.settle(state);
    void this.refreshModels(run, attempt);
    this.watchHealth(run, attempt);
  }

  /** Polls a health check until it passes; false on timeout, a crash, or a stop (which handle themselves). */
  private waitHealthy(run: ProviderRun, attempt: number, check: HealthCheck, deadline: number): Promise<boolean> {
    return this.health.waitHealthy(run.recipe.id, run.baseUrl(this.host, check.port), check, {
      deadline,
      isStale: () => this.isStale(run, attempt),
      record: check === run.recipe.health,
    });
  }

  // ---- watching -----------------------------------------------------------------------------

  private watchHealth(run: ProviderRun, attempt: number): void {
    const id = run.recipe.id;
    this.health.watch({
      id,
      baseUrl: run.baseUrl(this.host),
      check: run.recipe.health,
      isStale: () => this.isStale(run, attempt),
      onPass: async () => {
        const status = this.states.get(id)?.status;
        await run.snapshotTrees();
        if (status === 'unhealthy') this.setState(id, { status: 'running', reason: 'health check passes again' });
      },
      onHung: async (failures: number, sample: HealthSample) => {
        const message = `health check failed ${failures} times in a row (${sample.detail}) while the process is alive`;
        this.setState(id, { status: 'unhealthy', reason: message });
        this.deps.logs.system(id, `${message}: restarting it`);
        await this.onFailure(run, attempt, { message: `hung: ${message}`, hint: 'It was restarted; see the log for what it was doing.' });
      },
    });
  }

  private onExit(run: ProviderRun, attempt: number, child: ManagedProcess, exit: ProcessExit): void {
    if (this.isStale(run, attempt) || run.stopping) return;
    const failure = exitFailure(
      run.recipe,
      child.launch.name,
      exit,
      () =>
        // A misconfiguration (a missing model, a bad file) says why on its last stderr line.
        this.deps.logs
          .tail(run.recipe.id, 50)
          .filter((l) => l.stream === 'stderr')
          .at(-1)?.text,
    );
    if (!failure) return;
    this.deps.logs.system(run.recipe.id, `${child.launch.name} ${describeExit(exit)}`);
    void this.onFailure(run, attempt, failure.error, failure.retry);
  }

  /** A crash, a hang or a failed start: stop what is left, then restart with backoff or give up. */
  private async onFailure(run: ProviderRun, attempt: number, error: ProviderError, retry = true): Promise<void> {
    if (this.isStale(run, attempt)) return;
    run.attempt++; // whatever the old attempt still has in flight is now stale
    const id = run.recipe.id;
    clearTimeout(run.timer);
    this.health.unwatch(id);
    await this.stopProcesses(run);
    if (run.stopping || this.runs.get(id) !== run) return;
    const now = performance.now();
    run.failures.push(now);
    const settings = this.deps.settings();
    const life = { healthyAt: run.healthyAt, loopStreak: run.loopStreak };
    run.healthyAt = undefined;
    const decision = retry
      ? decideRestart(
          run.failures,
          now,
          { limit: settings.restartLimit, windowMs: settings.restartWindowSec * 1000, baseDelayMs: this.deps.restartBaseDelayMs },
          life,
        )
      : ({ restart: false, failures: run.failures.length, loopStreak: life.loopStreak } as const);
    run.loopStreak = decision.loopStreak;
    const logTail = this.deps.logs.tail(id, LOG_TAIL_IN_ERRORS).map((line) => line.text);
    if (!decision.restart) {
      this.runs.delete(id);
      await this.records.remove(id);
      const reason = retry
        ? `gave up after ${decision.failures} failures within ${settings.restartWindowSec} s; last: ${error.message}`
        : error.message;
      this.deps.logs.system(id, reason);
      const state = this.setState(id, {
        status: 'failed',
        reason,
        lastError: { ...error, logTail },
        pid: undefined,
        pids: undefined,
        startedAt: undefined,
      });
      run.settle(state);
      return;
    }
    // At once after a life that served; after a delay only in a crash loop (restart-policy.ts).
    const when = decision.delayMs === 0 ? 'restarting now' : `restarting in ${decision.delayMs / 1000} s (crash loop)`;
    const reason = `${error.message}; ${when} (restart ${decision.attempt} of ${settings.restartLimit})`;
    this.deps.logs.system(id, reason);
    this.setState(id, {
      status: 'starting',
      reason,
      lastError: { ...error, logTail },
      restarts: (this.states.get(id)?.restarts ?? 0) + 1,
      pid: undefined,
      pids: undefined,
      startedAt: undefined,
    });
    const next = run.attempt;
    run.timer = setTimeout(() => {
      if (!this.isStale(run, next)) this.relaunch(run);
    }, decision.delayMs);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async stopProcesses(run: ProviderRun): Promise<string[]> {
    const grace = this.hurried ? 0 : this.deps.settings().stopGraceSec * 1000;
    return run.stopProcesses(grace, this.deps.logs, stopLaunch(run.recipe, this.placeholderValues(run), this.deps.expand));
  }

  private portsInUse(): Set<number> {
    return new Set([...this.runs.values()].flatMap((run) => run.ports()));
  }

  private placeholderValues(run: ProviderRun): PlaceholderValues {
    return placeholderValues({
      paths: this.deps.paths,
      recipe: run.recipe,
      host: this.host,
      port: run.port,
      extraPorts: run.extraPorts,
      model: run.options.model,
      engineEntry: this.deps.engineEntry,
      home: run.options.home,
    });
  }

  private isStale(run: ProviderRun, attempt: number): boolean {
    return run.attempt !== attempt || run.stopping || this.runs.get(run.recipe.id) !== run;
  }

  /** Asks a running provider for its models again: a key was saved for it. */
  async recheckModels(id: string): Promise<void> {
    const run = this.runs.get(id);
    const status = this.states.get(id)?.status;
    if (run && (status === 'running' || status === 'unhealthy')) await this.refreshModels(run, run.attempt);
  }

  private async refreshModels(run: ProviderRun, attempt: number): Promise<void> {
    // Read after each start: TabbyAPI writes its key file as it starts.
    const apiKey = await this.deps.keys?.refresh(run.recipe, providerDataDir(this.deps.paths, run.options.home ?? run.recipe.id));
    const { models, lockedStatus } = await listModels(run.baseUrl(this.host), run.recipe.models, { apiKey });
    if (this.isStale(run, attempt)) return;
    if (lockedStatus) this.setState(run.recipe.id, { locked: { status: lockedStatus, keyRefused: apiKey !== undefined } });
    else if (models) this.setState(run.recipe.id, { models, locked: undefined });
  }

  private setState(id: string, patch: Partial<ProviderState> & { status?: ProviderStatus }): ProviderState {
    const previous = this.states.get(id) ?? { id, status: 'installed' as const, reason: '', restarts: 0, updatedAt: '' };
    const next: ProviderState = { ...previous, ...patch, id, updatedAt: new Date().toISOString() };
    for (const key of Object.keys(next) as Array<keyof ProviderState>) if (next[key] === undefined) delete next[key];
    this.states.set(id, next);
    this.emit('state', next);
    return next;
  }
}
