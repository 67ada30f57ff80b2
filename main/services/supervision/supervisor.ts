import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppFailure } from '../../../shared/errors';
import type { HealthSample, ProviderError, ProviderState, ProviderStatus } from '../../../shared/provider';
import type { HealthCheck, ProviderRecipe } from '../../../shared/recipe';
import type { Settings } from '../../../shared/settings';
import { probeHealth } from './health-probe';
import { parseJsonOrUndefined } from '../http-expect';
import type { LogService } from '../logs';
import { describeExit, ManagedProcess, type ProcessExit } from './managed-process';
import type { Paths } from '../paths';
import { isPortFree, pickPort, whoHolds } from '../os/ports';
import type { PlaceholderValues } from './placeholders';
import { killGroupsNow } from '../os/process-tree';
import { decideRestart } from './restart-policy';
import { RunRecords } from './run-records';

export type ExpandFn = (template: string, values: PlaceholderValues, where: string) => string;

export interface SupervisorDeps {
  paths: Paths;
  settings: () => Settings;
  logs: LogService;
  expand: ExpandFn;
  host?: string;
  /** The built-in engine's script, when built (`{engineEntry}`). */
  engineEntry?: string;
  /** First restart delay (doubling after); 1 s unless a benchmark compares raw restart speed. */
  restartBaseDelayMs?: number;
}

export interface StartOptions {
  /** A port the user pinned: taken means fail, never move. */
  pinnedPort?: number;
  model?: string;
  /** Built-in engine tuning, passed through the environment. */
  contextSize?: number;
  threads?: number;
  reason?: string;
}

const HEALTH_HISTORY = 120;
const STARTUP_POLL_MS = 250;
const LOG_TAIL_IN_ERRORS = 20;

/** One user-started life of a provider, across automatic restarts, until the user stops it. */
interface Run {
  recipe: ProviderRecipe;
  options: StartOptions;
  port: number;
  extraPorts: Record<string, number>;
  processes: ManagedProcess[];
  failures: number[];
  /** Bumped on every (re)launch and on stop, so stale timers and exits of an old attempt do nothing. */
  attempt: number;
  stopping: boolean;
  consecutiveHealthFailures: number;
  timer?: NodeJS.Timeout;
  settle: Array<(state: ProviderState) => void>;
}

/**
 * Owns the child processes of managed providers: start (ports, placeholders, readiness by the
 * recipe's health probe), stop of the whole process tree, crash and hang recovery with backoff,
 * and a give-up limit. Every change is a `state` event with a reason.
 */
export class Supervisor extends EventEmitter<{ state: [ProviderState] }> {
  private readonly runs = new Map<string, Run>();
  private readonly pendingStarts = new Map<string, Promise<ProviderState>>();
  private readonly states = new Map<string, ProviderState>();
  private readonly history = new Map<string, HealthSample[]>();
  private readonly records: RunRecords;
  private readonly host: string;
  private hurried = false;

  constructor(private readonly deps: SupervisorDeps) {
    super();
    this.host = deps.host ?? '127.0.0.1';
    this.records = new RunRecords(path.join(deps.paths.cache, 'run'));
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
    return [...(this.history.get(id) ?? [])];
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
      return new Promise((resolve) => existing.settle.push(resolve));
    }
    const { port, extraPorts } = await this.allocatePorts(recipe, options.pinnedPort);
    const run: Run = {
      recipe,
      options,
      port,
      extraPorts,
      processes: [],
      failures: [],
      attempt: 0,
      stopping: false,
      consecutiveHealthFailures: 0,
      settle: [],
    };
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
    });
    const settled = new Promise<ProviderState>((resolve) => run.settle.push(resolve));
    this.relaunch(run);
    return settled;
  }

  async stop(id: string, reason = 'stopped by the user'): Promise<ProviderState | undefined> {
    const run = this.runs.get(id);
    if (!run) return this.states.get(id);
    run.stopping = true;
    run.attempt++;
    clearTimeout(run.timer);
    this.setState(id, { status: 'stopping', reason });
    const forced = await this.stopProcesses(run);
    this.runs.delete(id);
    await this.records.remove(id);
    if (forced.length) this.deps.logs.system(id, `${forced.join(', ')} ignored SIGTERM and was killed`);
    this.deps.logs.system(id, reason);
    const state = this.setState(id, { status: 'stopped', reason, pid: undefined, pids: undefined, startedAt: undefined });
    this.settleRun(run, state);
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
    await Promise.all([...this.runs.values()].flatMap((run) => run.processes.map((child) => child.stop(0))));
  }

  /** Synchronous last resort for process exit: no child outlives the host. */
  killAllNow(): void {
    // POSIX never reuses a PID that still names a process group, so a group whose leader exited is
    // still ours to kill; Windows has no groups, and there an exited PID may be someone else's now.
    const ours = [...this.runs.values()].flatMap((run) => run.processes.filter((p) => process.platform !== 'win32' || !p.hasExited));
    killGroupsNow(ours.map((p) => p.pid).filter((pid): pid is number => !!pid));
  }

  // ---- launching ----------------------------------------------------------------------------

  /** Runs `launch` in the background; anything it throws is a failed start, never an unhandled rejection. */
  private relaunch(run: Run): void {
    const attempt = run.attempt + 1;
    this.launch(run).catch((error: unknown) =>
      this.onFailure(run, attempt, { message: `could not be started: ${(error as Error).message}` }, false),
    );
  }

  private async launch(run: Run): Promise<void> {
    const attempt = ++run.attempt;
    const { recipe } = run;
    const id = recipe.id;
    const settings = this.deps.settings();
    const deadline = Date.now() + settings.startupTimeoutSec * 1000;
    run.consecutiveHealthFailures = 0;

    // A restart keeps its port unless someone else took it meanwhile.
    if (attempt > 1 && !(await isPortFree(run.port, this.host))) {
      if (run.options.pinnedPort) return this.onFailure(run, attempt, { message: await this.portTakenMessage(run.port) }, false);
      const moved = await pickPort(recipe.defaultPort, { host: this.host, exclude: this.portsInUse() });
      this.deps.logs.system(id, `port ${run.port} was taken meanwhile; moving to ${moved}`);
      run.port = moved;
      this.setState(id, { port: moved });
    }

    let values: PlaceholderValues;
    let launches;
    try {
      values = this.placeholderValues(run);
      launches = recipe.start.map((spec, index) => ({
        spec,
        launch: {
          providerId: id,
          name: spec.name,
          argv: spec.argv.map((arg, i) => this.deps.expand(arg, values, `start.${index}.argv.${i}`)),
          env: {
            // The model and tuning chosen in settings, for providers that read them from the environment (the engine).
            ...(run.options.model ? { LLM_MANAGER_MODEL: run.options.model } : {}),
            ...(run.options.contextSize ? { LLM_MANAGER_CTX_SIZE: String(run.options.contextSize) } : {}),
            ...(run.options.threads ? { LLM_MANAGER_THREADS: String(run.options.threads) } : {}),
            ...Object.fromEntries(
              Object.entries(spec.env).map(([key, value]) => [key, this.deps.expand(value, values, `start.${index}.env.${key}`)]),
            ),
          },
          cwd: spec.cwd ? this.deps.expand(spec.cwd, values, `start.${index}.cwd`) : this.dataDir(id),
        },
      }));
      await mkdir(this.dataDir(id), { recursive: true });
      await mkdir(this.configDir(id), { recursive: true });
    } catch (error) {
      const failure = error instanceof AppFailure ? error : new AppFailure({ code: 'INTERNAL', message: (error as Error).message });
      return this.onFailure(run, attempt, { message: failure.message, hint: failure.hint }, false);
    }

    for (const { spec, launch } of launches) {
      if (this.isStale(run, attempt)) return;
      this.deps.logs.system(id, `starting ${launch.name}: ${launch.argv.join(' ')}`);
      const child = new ManagedProcess(launch, this.deps.logs);
      run.processes.push(child);
      void child.exited.then((exit) => this.onExit(run, attempt, child, exit));
      if (child.pid !== undefined) this.deps.logs.system(id, `${launch.name} has pid ${child.pid}`);
      const isLast = spec === recipe.start[recipe.start.length - 1];
      if (isLast) break;
      if (spec.readyCheck) {
        const ready = await this.waitHealthy(run, attempt, spec.readyCheck, deadline);
        if (!ready) return; // onExit, stop or the timeout below already took over
      }
    }
    if (this.isStale(run, attempt)) return;
    const pids = Object.fromEntries(run.processes.filter((p) => p.pid).map((p) => [p.launch.name, p.pid!]));
    await this.records.write(id, run.processes).catch((error: unknown) =>
      this.deps.logs.system(id, `could not record its processes for cleanup after a crash: ${(error as Error).message}`),
    );
    this.setState(id, { pids, pid: run.processes.at(-1)?.pid });

    const healthy = await this.waitHealthy(run, attempt, recipe.health, deadline);
    if (!healthy) {
      if (this.isStale(run, attempt)) return;
      const last = this.history.get(id)?.at(-1);
      return this.onFailure(run, attempt, {
        message: `did not become healthy within ${settings.startupTimeoutSec} s (${recipe.health.path}: ${last?.detail ?? 'no answer'})`,
        hint: 'Check the log below; raise the startup timeout in Settings if the model needs longer to load.',
      });
    }
    await this.snapshotTrees(run);
    if (this.isStale(run, attempt)) return;
    const state = this.setState(id, {
      status: 'running',
      reason: attempt === 1 ? `healthy on port ${run.port}` : `healthy again on port ${run.port} after a restart`,
      startedAt: new Date().toISOString(),
    });
    this.deps.logs.system(id, `healthy on port ${run.port}`);
    this.settleRun(run, state);
    void this.refreshModels(run, attempt);
    this.scheduleHealth(run, attempt);
  }

  /** Polls a health check until it passes; false on timeout, a crash, or a stop (which handle themselves). */
  private async waitHealthy(run: Run, attempt: number, check: HealthCheck, deadline: number): Promise<boolean> {
    while (!this.isStale(run, attempt)) {
      const sample = await probeHealth(this.baseUrl(run, check.port), check);
      if (check === run.recipe.health) this.recordHealth(run.recipe.id, sample);
      if (sample.ok) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, STARTUP_POLL_MS));
    }
    return false;
  }

  // ---- watching -----------------------------------------------------------------------------

  private scheduleHealth(run: Run, attempt: number): void {
    const intervalMs = this.deps.settings().healthIntervalSec * 1000;
    run.timer = setTimeout(() => void this.checkHealth(run, attempt), intervalMs);
  }

  private async checkHealth(run: Run, attempt: number): Promise<void> {
    if (this.isStale(run, attempt)) return;
    const id = run.recipe.id;
    const sample = await probeHealth(this.baseUrl(run), run.recipe.health);
    if (this.isStale(run, attempt)) return;
    this.recordHealth(id, sample);
    const status = this.states.get(id)?.status;
    if (sample.ok) {
      run.consecutiveHealthFailures = 0;
      await this.snapshotTrees(run);
      if (status === 'unhealthy') this.setState(id, { status: 'running', reason: 'health check passes again' });
      this.scheduleHealth(run, attempt);
      return;
    }
    run.consecutiveHealthFailures++;
    const limit = this.deps.settings().unhealthyAfterFailures;
    if (run.consecutiveHealthFailures < limit) {
      this.scheduleHealth(run, attempt);
      return;
    }
    const message = `health check failed ${run.consecutiveHealthFailures} times in a row (${sample.detail}) while the process is alive`;
    this.setState(id, { status: 'unhealthy', reason: message });
    this.deps.logs.system(id, `${message}: restarting it`);
    await this.onFailure(run, attempt, { message: `hung: ${message}`, hint: 'It was restarted; see the log for what it was doing.' });
  }

  private onExit(run: Run, attempt: number, child: ManagedProcess, exit: ProcessExit): void {
    if (this.isStale(run, attempt) || run.stopping) return;
    // Launchers of external apps (`lms server start`) exit once the app serves: not a crash.
    if (run.recipe.stop && exit.code === 0) return;
    const what = `${child.launch.name} ${describeExit(exit)}`;
    this.deps.logs.system(run.recipe.id, what);
    const fatal = exit.spawnError !== undefined || (exit.code !== null && run.recipe.fatalExitCodes.includes(exit.code));
    // A misconfiguration (a missing model, a bad file) says why on its last stderr line.
    const lastError = fatal ? this.deps.logs.tail(run.recipe.id, 50).filter((l) => l.stream === 'stderr').at(-1)?.text : undefined;
    void this.onFailure(
      run,
      attempt,
      {
        message: lastError ? `${what}: ${lastError}` : what,
        hint: exit.spawnError
          ? 'Install the program, or fix the start command of this provider.'
          : fatal
            ? 'Fix the configuration named above; restarting would not help.'
            : 'The log below shows what it printed before it stopped.',
      },
      !fatal,
    );
  }

  /** A crash, a hang or a failed start: stop what is left, then restart with backoff or give up. */
  private async onFailure(run: Run, attempt: number, error: ProviderError, retry = true): Promise<void> {
    if (this.isStale(run, attempt)) return;
    run.attempt++; // whatever the old attempt still has in flight is now stale
    const id = run.recipe.id;
    clearTimeout(run.timer);
    await this.stopProcesses(run);
    if (run.stopping || this.runs.get(id) !== run) return;
    const now = Date.now();
    run.failures.push(now);
    const settings = this.deps.settings();
    const decision = retry
      ? decideRestart(run.failures, now, {
          limit: settings.restartLimit,
          windowMs: settings.restartWindowSec * 1000,
          baseDelayMs: this.deps.restartBaseDelayMs,
        })
      : ({ restart: false, failures: run.failures.length } as const);
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
      this.settleRun(run, state);
      return;
    }
    const seconds = decision.delayMs / 1000;
    const reason = `${error.message}; restarting in ${seconds} s (restart ${decision.attempt} of ${settings.restartLimit})`;
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

  private async stopProcesses(run: Run): Promise<string[]> {
    const grace = this.hurried ? 0 : this.deps.settings().stopGraceSec * 1000;
    const forced: string[] = [];
    // Reverse order: FastChat's API server goes before the worker before the controller.
    for (const child of [...run.processes].reverse()) {
      if ((await child.stop(grace)).forced) forced.push(child.launch.name);
    }
    run.processes = [];
    if (run.recipe.stop) {
      const values = this.placeholderValues(run);
      const argv = run.recipe.stop.map((arg, i) => this.deps.expand(arg, values, `stop.${i}`));
      const stopper = new ManagedProcess({ providerId: run.recipe.id, name: 'stop', argv, env: {}, cwd: this.dataDir(run.recipe.id) }, this.deps.logs);
      const done = await Promise.race([stopper.exited, new Promise((r) => setTimeout(r, grace))]);
      if (!done) await stopper.stop(1000);
    }
    return forced;
  }

  private async allocatePorts(recipe: ProviderRecipe, pinned?: number): Promise<{ port: number; extraPorts: Record<string, number> }> {
    const taken = this.portsInUse();
    let port: number;
    if (pinned !== undefined) {
      if (taken.has(pinned) || !(await isPortFree(pinned, this.host))) {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `${recipe.name} cannot start: ${await this.portTakenMessage(pinned)}`,
          hint: `Stop that process, or choose another port for ${recipe.name} (or un-pin it so a free one is picked).`,
        });
      }
      port = pinned;
    } else {
      port = await pickPort(recipe.defaultPort, { host: this.host, exclude: taken });
    }
    taken.add(port);
    const extraPorts: Record<string, number> = {};
    for (const [name, preferred] of Object.entries(recipe.extraPorts)) {
      extraPorts[name] = await pickPort(preferred, { host: this.host, exclude: taken });
      taken.add(extraPorts[name]);
    }
    return { port, extraPorts };
  }

  private async portTakenMessage(port: number): Promise<string> {
    const holder = await whoHolds(port);
    if (!holder) return `port ${port} is already in use.`;
    return `port ${port} is already in use by PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}.`;
  }

  private portsInUse(): Set<number> {
    const ports = new Set<number>();
    for (const run of this.runs.values()) {
      ports.add(run.port);
      Object.values(run.extraPorts).forEach((p) => ports.add(p));
    }
    return ports;
  }

  private placeholderValues(run: Run): PlaceholderValues {
    const { paths } = this.deps;
    return {
      host: this.host,
      port: String(run.port),
      model: modelArgument(run.recipe, run.options.model, paths.models),
      modelsDir: paths.models,
      dataDir: this.dataDir(run.recipe.id),
      configDir: this.configDir(run.recipe.id),
      binDir: paths.bin,
      logsDir: paths.logs,
      baseDir: paths.base,
      node: process.execPath,
      engineEntry: this.deps.engineEntry,
      ports: Object.fromEntries(Object.entries(run.extraPorts).map(([k, v]) => [k, String(v)])),
    };
  }

  private dataDir(id: string): string {
    return path.join(this.deps.paths.data, id);
  }

  private configDir(id: string): string {
    return path.join(this.deps.paths.config, id);
  }

  private baseUrl(run: Run, portName?: string): string {
    const port = portName ? run.extraPorts[portName] : run.port;
    return `http://${this.host}:${port ?? run.port}`;
  }

  private isStale(run: Run, attempt: number): boolean {
    return run.attempt !== attempt || run.stopping || this.runs.get(run.recipe.id) !== run;
  }

  private recordHealth(id: string, sample: HealthSample): void {
    const samples = this.history.get(id) ?? [];
    samples.push(sample);
    if (samples.length > HEALTH_HISTORY) samples.shift();
    this.history.set(id, samples);
    this.setState(id, { health: sample });
  }

  private async refreshModels(run: Run, attempt: number): Promise<void> {
    try {
      const response = await fetch(new URL(run.recipe.models.path, this.baseUrl(run)), { signal: AbortSignal.timeout(5000) });
      if (!response.ok || this.isStale(run, attempt)) return;
      const body = parseJsonOrUndefined(await response.text()) as
        | { data?: Array<{ id?: unknown }>; models?: Array<{ name?: unknown }>; result?: unknown }
        | undefined;
      const models =
        run.recipe.models.format === 'ollama'
          ? (body?.models ?? []).map((m) => m.name)
          : run.recipe.models.format === 'kobold'
            ? [body?.result]
            : (body?.data ?? []).map((m) => m.id);
      this.setState(run.recipe.id, { models: models.filter((m): m is string => typeof m === 'string') });
    } catch {
      // Models are a nicety: a provider that cannot list them still serves.
    }
  }

  private async snapshotTrees(run: Run): Promise<void> {
    await Promise.all(run.processes.map((p) => p.snapshotTree()));
  }

  private settleRun(run: Run, state: ProviderState): void {
    for (const resolve of run.settle.splice(0)) resolve(state);
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

/** A GGUF chosen from the shared models folder reaches the provider as a full path; anything else as given. */
function modelArgument(recipe: ProviderRecipe, model: string | undefined, modelsDir: string): string | undefined {
  if (!model || recipe.modelInput !== 'gguf' || path.isAbsolute(model)) return model;
  return path.join(modelsDir, model);
}
