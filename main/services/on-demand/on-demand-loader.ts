import { EventEmitter } from 'node:events';
import os from 'node:os';
import { AppFailure } from '../../../shared/errors';
import type { LoadableModel, OnDemandProvider, OnDemandSettings, OnDemandStatus } from '../../../shared/on-demand';
import type { ModelFile, ProviderState } from '../../../shared/provider';
import { memoryEstimate } from '../../../shared/model-memory';
import type { ProviderRecipe } from '../../../shared/recipe';
import type { OnDemandHook, OnDemandLease } from '../gateway/on-demand-hook';
import * as refusals from '../gateway/refusals';
import type { Upstream, UpstreamSource } from '../gateway/upstreams';
import type { StartOptions } from '../supervision/supervisor';
import { LoadableCatalogue, type LoadableEntry } from './loadable-catalogue';
import { instanceIdOf, LoadedInstance } from './loaded-instance';

/** What the loader needs of the supervisor: instances are ordinary supervised providers. */
export interface InstanceRuntime {
  start(recipe: ProviderRecipe, options?: StartOptions): Promise<ProviderState>;
  stop(id: string, reason?: string): Promise<ProviderState | undefined>;
  state(id: string): ProviderState | undefined;
  on(event: 'state', listener: (state: ProviderState) => void): unknown;
  off(event: 'state', listener: (state: ProviderState) => void): unknown;
}

export interface OnDemandLoaderDeps {
  settings: () => OnDemandSettings;
  /** The models folder and other apps' stores (ModelsService.list). */
  models: () => Promise<ModelFile[]>;
  /** The models folder, whose changes are picked up at once (see LoadableCatalogue). */
  modelsDir?: string;
  runtime: InstanceRuntime;
  /** The recipe of a provider that may run models on demand, when it is installed and runs here. */
  provider: (id: OnDemandProvider) => ProviderRecipe | undefined;
  /** The user's tuning of that provider (context size, threads, parallel sequences), which its instances get too. */
  tuning?: (id: OnDemandProvider) => Pick<StartOptions, 'contextSize' | 'threads' | 'parallel'>;
  /** Bytes of RAM available now; os.freemem() (MemAvailable on Linux) by default. */
  freeMemoryBytes?: () => number;
  host?: string;
  /** How long a load waits for a busy model to finish before it answers 503 (default 30 s). */
  busyWaitMs?: number;
}

type Outcome = { loaded: true } | { loaded: false; refusal: refusals.Refusal };

/** setTimeout's limit; a longer keep_alive keeps the model loaded. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const LOG_LINES_IN_REASON = 6;
/**
 * Where instances listen first (then any free port): away from every catalog provider's default
 * (8090 is the engine's own), so the user's own engine or llama-server still gets its usual port.
 */
export const INSTANCE_PREFERRED_PORT = 8410;

/**
 * Load on demand: the gateway asks it for models no running provider serves. It finds the model
 * among the loadable ones, starts a provider instance with it through the supervisor (one per
 * model, single-flight), routes to it as an upstream while loaded, and unloads it when idle past
 * its TTL (or the request's keep_alive), or when the budget (models at once, RAM) needs room for
 * another, least recently used first and never with requests in flight.
 */
export class OnDemandLoader extends EventEmitter<{ changed: [OnDemandStatus] }> implements OnDemandHook, UpstreamSource {
  readonly catalogue: LoadableCatalogue;
  private readonly instances = new Map<string, LoadedInstance>();
  private readonly byInstanceId = new Map<string, LoadedInstance>();
  /** Why a model is not loaded (its last failure, or why it was unloaded). */
  private readonly lastWords = new Map<string, { state: 'failed' | 'unloaded'; reason: string }>();
  private upstreams: Upstream[] = [];
  private readonly tableListeners = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private emitTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly host: string;

  constructor(private readonly deps: OnDemandLoaderDeps) {
    super();
    this.host = deps.host ?? '127.0.0.1';
    this.catalogue = new LoadableCatalogue(deps.models, deps.modelsDir);
    deps.runtime.on('state', this.onState);
  }

  // ---- the gateway's hook ------------------------------------------------------------------

  async ensure(name: string): Promise<Outcome | undefined> {
    if (!this.deps.settings().enabled || this.closed) return undefined;
    const entry = await this.catalogue.find(name);
    if (!entry || this.closed) return undefined;
    for (;;) {
      const instance = this.instances.get(entry.id);
      if (!instance) return this.load(entry);
      if (instance.loading) return instance.loading as Promise<Outcome>;
      if (instance.unloading) {
        await instance.unloading;
        continue;
      }
      if (instance.state === 'loaded') return { loaded: true };
      // Restarting after a crash: the supervisor brings it back or gives up.
      await this.changeOf(instance);
    }
  }

  async listed(): Promise<Array<{ id: string; state: 'not-loaded' | 'loading' }>> {
    if (!this.deps.settings().enabled) return [];
    const entries = await this.catalogue.list();
    return entries
      .filter((e) => this.instances.get(e.id)?.state !== 'loaded')
      .map((e) => ({ id: e.id, state: this.instances.get(e.id)?.state === 'loading' ? ('loading' as const) : ('not-loaded' as const) }));
  }

  // ---- as an upstream source ---------------------------------------------------------------

  list(): Upstream[] {
    return this.upstreams;
  }

  onChange(listener: () => void): () => void {
    this.tableListeners.add(listener);
    return () => this.tableListeners.delete(listener);
  }

  // ---- for the host and the contract -------------------------------------------------------

  /** Every loadable model with its state, from the last scan of the disk. */
  status(): OnDemandStatus {
    const models: LoadableModel[] = [];
    const seen = new Set<string>();
    for (const entry of this.catalogue.current()) {
      seen.add(entry.id);
      models.push(this.describe(entry));
    }
    for (const instance of this.instances.values()) if (!seen.has(instance.entry.id)) models.push(this.describe(instance.entry));
    return { settings: this.deps.settings(), models };
  }

  /** The same after a fresh scan (a model just downloaded shows at once). */
  async freshStatus(): Promise<OnDemandStatus> {
    await this.catalogue.list();
    return this.status();
  }

  /** Unloads a model now, or as soon as its requests in flight end. */
  async unload(name: string): Promise<OnDemandStatus> {
    const instance = this.instances.get(name) ?? [...this.instances.values()].find((i) => i.entry.alias === name);
    if (!instance) {
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: `The model "${name}" is not loaded on demand.`,
        hint: 'Only models the gateway loaded on demand can be unloaded here; stop other providers on the Providers page.',
      });
    }
    if (instance.inFlight > 0) {
      instance.keepAliveMs = 0;
    } else {
      await this.unload_(instance, 'unloaded by the user');
    }
    return this.status();
  }

  /**
   * Before a model file is deleted: its instances are unloaded, and their names answered. One that
   * is loading or answering a request is a CONFLICT instead: deleting would cut that request.
   */
  async unloadFile(file: string): Promise<string[]> {
    const using = [...this.instances.values()].filter((i) => i.entry.path === file);
    const busy = using.find((i) => i.loading !== undefined || i.inFlight > 0);
    if (busy) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${busy.entry.id} is ${busy.loading ? 'loading' : `answering ${busy.inFlight === 1 ? 'a request' : `${busy.inFlight} requests`}`} through the gateway, so its file cannot be deleted now.`,
        hint: 'Try again once it is done; it is unloaded first then.',
      });
    }
    await Promise.all(using.map((i) => this.unload_(i, 'unloaded: its model file was deleted')));
    return using.map((i) => i.entry.id);
  }

  /** The settings changed: idle timers follow the new TTL; switched off, idle models are unloaded. */
  settingsChanged(): void {
    for (const instance of this.instances.values()) this.armIdle(instance);
  }

  /** The supervisor states of the instances (for per-provider resource usage). */
  instanceStates(): ProviderState[] {
    return [...this.byInstanceId.keys()].map((id) => this.deps.runtime.state(id)).filter((s): s is ProviderState => s !== undefined);
  }

  /** Ports the instances hold, so discovery never takes one of them for an external server. */
  ownPorts(): Map<number, string> {
    const ports = new Map<number, string>();
    for (const state of this.instanceStates()) if (state.port) ports.set(state.port, state.id);
    return ports;
  }

  /** Whether an instance of this provider runs (its files must not be uninstalled under it). */
  usesProvider(id: string): boolean {
    return [...this.instances.values()].some((i) => i.provider === id);
  }

  /** Stops listening; the supervisor's stopAll (the host's shutdown) stops the processes. */
  close(): void {
    this.closed = true;
    this.deps.runtime.off('state', this.onState);
    for (const instance of this.instances.values()) instance.clearTimer();
    clearTimeout(this.emitTimer);
    for (const wake of this.idleWaiters) wake();
    this.tableListeners.clear();
    this.removeAllListeners();
  }

  // ---- loading -----------------------------------------------------------------------------

  /** Registers the instance before anything is awaited, so concurrent requests for the model share this load. */
  private load(entry: LoadableEntry): Promise<Outcome> {
    let choice: { id: OnDemandProvider; recipe: ProviderRecipe };
    try {
      choice = this.chooseProvider();
    } catch (error) {
      return Promise.resolve({ loaded: false, refusal: refusals.loadFailed(entry.id, (error as Error).message) });
    }
    const instance = new LoadedInstance(entry, instanceIdOf(choice.id, entry.id), choice.id);
    this.instances.set(entry.id, instance);
    this.byInstanceId.set(instance.id, instance);
    this.lastWords.delete(entry.id);
    this.changedSoon();
    const loading = this.loadNow(instance, choice.recipe).finally(() => (instance.loading = undefined));
    instance.loading = loading;
    return loading;
  }

  private async loadNow(instance: LoadedInstance, base: ProviderRecipe): Promise<Outcome> {
    const entry = instance.entry;
    const busy = await this.makeRoom(instance);
    if (busy) {
      this.drop(instance, 'failed', busy.message);
      return { loaded: false, refusal: busy };
    }
    if (this.closed || this.instances.get(entry.id) !== instance) {
      return { loaded: false, refusal: refusals.loadFailed(entry.id, 'it was unloaded while it loaded.') };
    }
    const recipe: ProviderRecipe = {
      ...base,
      id: instance.id,
      name: `${base.name}: ${entry.id}`,
      aliases: [],
      defaultPort: INSTANCE_PREFERRED_PORT,
    };
    let state: ProviderState;
    try {
      state = await this.deps.runtime.start(recipe, {
        ...this.deps.tuning?.(instance.provider),
        model: entry.path,
        home: base.id,
        reason: `loaded on demand: a gateway request named ${entry.id}`,
      });
    } catch (error) {
      const reason = (error as Error).message;
      this.drop(instance, 'failed', reason);
      return { loaded: false, refusal: refusals.loadFailed(entry.id, reason) };
    }
    if (state.status === 'running' && this.instances.get(entry.id) === instance) {
      this.becameLoaded(instance, state);
      return { loaded: true };
    }
    const reason = failureReason(state, base.name);
    this.drop(instance, 'failed', reason);
    return { loaded: false, refusal: refusals.loadFailed(entry.id, reason) };
  }

  private chooseProvider(): { id: OnDemandProvider; recipe: ProviderRecipe } {
    const wanted = this.deps.settings().provider;
    const recipe = this.deps.provider(wanted);
    if (recipe) return { id: wanted, recipe };
    // llama-server preferred but not installed (or not runnable here): the engine is always there.
    const engine = this.deps.provider('engine');
    if (!engine)
      throw new Error('the built-in engine is not available in this build, and no other provider to load models with is installed.');
    return { id: 'engine', recipe: engine };
  }

  /**
   * Unloads least recently used idle models until this one fits the budget: at most
   * `maxLoadedModels` at once and, with the memory check, its estimate within the RAM available.
   * With every other model busy it waits for one to go idle, then answers 503. A model over the
   * RAM estimate with nothing left to unload is loaded anyway: the estimate is rough, and mmap'd
   * weights need less.
   */
  private async makeRoom(instance: LoadedInstance): Promise<refusals.Refusal | undefined> {
    const busyWaitMs = this.deps.busyWaitMs ?? 30_000;
    const deadline = performance.now() + busyWaitMs;
    for (;;) {
      if (this.closed || this.instances.get(instance.entry.id) !== instance) return undefined;
      const settings = this.deps.settings();
      const others = [...this.instances.values()].filter((i) => i !== instance && !i.unloading);
      const overCount = others.length + 1 > settings.maxLoadedModels;
      const free = this.deps.freeMemoryBytes?.() ?? os.freemem();
      const overMemory = settings.memoryCheck && others.length > 0 && this.memoryNeeded(instance) > free;
      if (!overCount && !overMemory) return undefined;
      const idle = others.filter((i) => i.state === 'loaded' && i.inFlight === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (idle) {
        await this.unload_(
          idle,
          overCount
            ? `unloaded to make room for ${instance.entry.id} (at most ${settings.maxLoadedModels} loaded at once)`
            : `unloaded to free memory for ${instance.entry.id}`,
        );
        continue;
      }
      if (!overCount) return undefined;
      const left = deadline - performance.now();
      if (left <= 0)
        return refusals.everyModelBusy(
          instance.entry.id,
          others.map((i) => i.entry.id),
          Math.round(busyWaitMs / 1000),
        );
      await this.nextIdle(left);
    }
  }

  /**
   * Weights plus KV cache at the context size and parallel sequences the instance will be given
   * (the engine's tuning; llama-server's at the engine's defaults), or the file's size when its header could not be read.
   */
  private memoryNeeded(instance: LoadedInstance): number {
    const tuning = instance.provider === 'engine' ? this.deps.tuning?.('engine') : undefined;
    return memoryEstimate(instance.entry, tuning)?.bytes ?? instance.entry.sizeBytes;
  }

  private becameLoaded(instance: LoadedInstance, state: ProviderState): void {
    instance.state = 'loaded';
    instance.port = state.port;
    instance.healthy = true;
    instance.lastUsed = Date.now();
    this.publish();
    this.armIdle(instance);
  }

  // ---- requests and idleness ---------------------------------------------------------------

  private leaseOf(instance: LoadedInstance): OnDemandLease {
    instance.inFlight++;
    instance.lastUsed = Date.now();
    instance.clearTimer();
    this.changedSoon();
    let ended = false;
    return {
      end: (keepAliveMs) => {
        if (ended) return;
        ended = true;
        instance.inFlight--;
        instance.lastUsed = Date.now();
        if (keepAliveMs !== undefined) instance.keepAliveMs = keepAliveMs;
        if (instance.inFlight === 0) {
          this.armIdle(instance);
          this.wakeIdleWaiters();
        }
        this.changedSoon();
      },
    };
  }

  /** Starts the idle countdown of a loaded model with nothing in flight (the request's keep_alive, else the TTL). */
  private armIdle(instance: LoadedInstance): void {
    instance.clearTimer();
    if (instance.state !== 'loaded' || instance.inFlight > 0 || this.closed) return;
    const settings = this.deps.settings();
    if (!settings.enabled) return void this.unload_(instance, 'unloaded because load on demand was switched off');
    const ms = instance.keepAliveMs ?? (settings.ttlSec === 0 ? Infinity : settings.ttlSec * 1000);
    if (ms <= 0) return void this.unload_(instance, 'unloaded after its request (keep_alive 0)');
    if (ms > MAX_TIMER_MS) return this.changedSoon();
    instance.unloadsAt = Date.now() + ms;
    instance.timer = setTimeout(() => {
      if (instance.inFlight === 0) void this.unload_(instance, `unloaded after ${describeDuration(ms)} idle`);
    }, ms);
    instance.timer.unref();
    this.changedSoon();
  }

  /** Takes it out of the routing table at once, then stops its process. */
  private unload_(instance: LoadedInstance, reason: string): Promise<void> {
    if (instance.unloading) return instance.unloading;
    instance.clearTimer();
    instance.state = 'unloading';
    this.publish();
    instance.unloading = this.deps.runtime
      .stop(instance.id, reason)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.drop(instance, 'unloaded', reason));
    return instance.unloading;
  }

  /** Forgets an instance that is gone (unloaded, failed, stopped with all providers). */
  private drop(instance: LoadedInstance, state: 'failed' | 'unloaded', reason: string): void {
    if (this.instances.get(instance.entry.id) !== instance) return;
    instance.clearTimer();
    this.instances.delete(instance.entry.id);
    this.byInstanceId.delete(instance.id);
    this.lastWords.set(instance.entry.id, { state, reason });
    this.publish();
    this.wakeIdleWaiters();
  }

  private nextIdle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.idleWaiters.add(wake);
    });
  }

  /** Waits for an instance's state to move (a restart after a crash ends, or it is dropped). */
  private async changeOf(instance: LoadedInstance): Promise<void> {
    const before = instance.state;
    const deadline = performance.now() + 120_000;
    while (
      instance.state === before &&
      this.instances.get(instance.entry.id) === instance &&
      performance.now() < deadline &&
      !this.closed
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (instance.state === before && this.instances.get(instance.entry.id) === instance) throw new Error('it did not come back in time.');
  }

  private wakeIdleWaiters(): void {
    for (const wake of [...this.idleWaiters]) wake();
  }

  // ---- the supervisor's word ---------------------------------------------------------------

  /** Crashes, restarts, health and a "stop all" happen to instances too; the first load reads its own start. */
  private readonly onState = (state: ProviderState): void => {
    const instance = this.byInstanceId.get(state.id);
    if (!instance || instance.loading) return;
    switch (state.status) {
      case 'running':
        if (instance.state === 'loading') this.becameLoaded(instance, state);
        else if (!instance.healthy) {
          instance.healthy = true;
          this.publish();
        }
        return;
      case 'unhealthy':
        if (instance.healthy) {
          instance.healthy = false;
          this.publish();
        }
        return;
      case 'starting':
        if (instance.state === 'loaded') {
          instance.state = 'loading';
          instance.clearTimer();
          this.publish();
        }
        return;
      case 'stopped':
        if (!instance.unloading) this.drop(instance, 'unloaded', state.reason);
        return;
      case 'failed':
        if (!instance.unloading) this.drop(instance, 'failed', failureReason(state, instance.provider));
        return;
      default:
        return;
    }
  };

  // ---- telling -----------------------------------------------------------------------------

  private publish(): void {
    const next: Upstream[] = [];
    for (const instance of this.instances.values()) {
      if (instance.state !== 'loaded' || !instance.port) continue;
      const { entry } = instance;
      next.push({
        providerId: instance.id,
        baseUrl: `http://${this.host}:${instance.port}`,
        models: entry.alias ? [entry.id, entry.alias] : [entry.id],
        healthy: instance.healthy,
        state: instance.healthy ? 'loaded on demand' : 'unhealthy',
        lease: () => this.leaseOf(instance),
      });
    }
    this.upstreams = next;
    for (const listener of this.tableListeners) listener();
    this.changedSoon();
  }

  /** Status events coalesce: a burst of requests is one event, not one per request. */
  private changedSoon(): void {
    if (this.emitTimer || this.closed) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      if (!this.closed) this.emit('changed', this.status());
    }, 100);
    this.emitTimer.unref();
  }

  private describe(entry: LoadableEntry): LoadableModel {
    const base = {
      id: entry.id,
      path: entry.path,
      sizeBytes: entry.sizeBytes,
      ...(entry.origin ? { origin: entry.origin } : {}),
      ...(entry.originalName ? { originalName: entry.originalName } : {}),
    };
    const instance = this.instances.get(entry.id);
    if (!instance) {
      const words = this.lastWords.get(entry.id);
      return { ...base, state: words?.state ?? 'unloaded', ...(words ? { reason: words.reason } : {}) };
    }
    const pid = this.deps.runtime.state(instance.id)?.pid;
    return {
      ...base,
      state: instance.state,
      instanceId: instance.id,
      provider: instance.provider,
      ...(instance.port ? { port: instance.port } : {}),
      ...(pid ? { pid } : {}),
      inFlight: instance.inFlight,
      lastUsedAt: new Date(instance.lastUsed).toISOString(),
      ...(instance.unloadsAt ? { unloadsAt: new Date(instance.unloadsAt).toISOString() } : {}),
    };
  }
}

/** A failed start in the provider's own words: its error, then the end of its log. */
function failureReason(state: ProviderState, providerName: string): string {
  const error = state.lastError;
  if (!error) return `${providerName} did not start: ${state.reason}`;
  const tail = (error.logTail ?? []).slice(-LOG_LINES_IN_REASON).filter((line) => line.trim() !== '');
  return `${providerName} ${error.message}.${error.hint ? ` ${error.hint}` : ''}${tail.length ? ` Its log ends: ${tail.join(' | ')}` : ''}`;
}

function describeDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
