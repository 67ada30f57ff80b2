import { EventEmitter } from 'node:events';
import type { CleanupReport, InstallRun } from '../../shared/install';
import type { ProviderState, ProviderStatus, ProviderSummary } from '../../shared/provider';
import type { RecipeInput } from '../../shared/recipe';
import { waitForRuns } from '../install-runs';
import { connect, type Connection, type ConnectOptions, type HostApi } from './connection';
import { OperationFailedError } from './errors';
import { LevelledLogger, type Logger, type LogLevel } from './logger';

export interface LocalLLMManagerOptions extends ConnectOptions {
  /**
   * When no host owns the base directory, this process becomes it. `full` (default) runs what the
   * app runs: the gateway, discovery of servers started elsewhere, resource sampling and auto-start
   * of the last session. `tasks` runs only the supervisor and installer.
   */
  runtime?: 'full' | 'tasks';
  logger?: Logger;
  logLevel?: LogLevel;
  /** A request with no answer after this long fails with TIMEOUT; default 15 minutes (installs take long). */
  timeoutMs?: number;
}

/** One provider as `getProviderStatus()` gives it: the spec's LocalLLMProvider fields that mean something here. */
export interface ProviderStatusEntry extends ProviderSummary {
  /** The state's status, at the top as the spec has it: not-installed, installed, starting, running, unhealthy, failed, stopped, external… */
  status: ProviderStatus;
  /** The port in use, when it runs. */
  port?: number;
  /** Its base URL (http://host:port), when it runs or was found running. */
  endpoint?: string;
  /** When its health was last checked (the spec's LastCheck). */
  lastCheck?: string;
}

/** A provider that answers now: where to send requests and what it serves. */
export interface RunningProvider {
  id: string;
  name: string;
  /** http://127.0.0.1:<port>, no trailing slash (the spec's endpoint string). */
  endpoint: string;
  /** Where an OpenAI client points (endpoint + /v1) for OpenAI-compatible providers. */
  openaiBaseUrl?: string;
  api: ProviderSummary['api'];
  port?: number;
  pid?: number;
  /** The models it serves, as its model list names them (the host lists them just after it turns healthy: empty for that moment). */
  models: string[];
  /** Started outside this app (found by discovery): used as it is, never stopped or restarted by us. */
  external: boolean;
}

export interface ManagerEvents {
  /** A provider changed state (`reason` says why). */
  state: [ProviderState];
  /** An install or update moved on, finished or failed. */
  install: [InstallRun];
  /** The connection to a running host was lost; calls fail until `initialize()` is called again. */
  disconnected: [];
}

/**
 * The original spec's LocalLLMManager for Node: install, start, stop, watch and find local LLM
 * servers from a script or another program.
 *
 * It is a client of the same contract the desktop app and the web UI use. If the app or
 * `local-llm-manager serve` owns the base directory, every call goes to that host (over its
 * WebSocket, with the token from `cache/host.json`), so one folder never gets two supervisors;
 * otherwise `initialize()` starts that same host inside this process, under the folder's lock, and
 * `close()` stops it and every provider it started.
 *
 * @example
 * ```ts
 * const manager = new LocalLLMManager();
 * await manager.initialize();
 * await manager.startProvider('llamacpp');
 * for (const p of await manager.getRunningProviders()) console.log(p.endpoint, p.models);
 * await manager.close();
 * ```
 */
export class LocalLLMManager extends EventEmitter<ManagerEvents> {
  private connection: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private readonly log = new LevelledLogger();

  constructor(private readonly options: LocalLLMManagerOptions = {}) {
    super();
    this.log.set(options.logger, options.logLevel);
  }

  /**
   * Connects to the host that owns the base directory, or becomes it (see the class). Safe to call
   * twice; every other method calls it first. Installing is explicit (`installProvider`): unlike the
   * Go original, initializing never clones or builds anything by itself.
   */
  async initialize(): Promise<void> {
    await this.api();
  }

  /** `host` when a running app or `serve` does the work, `local` when this process does; undefined before `initialize()`. */
  get via(): Connection['via'] | undefined {
    return this.connection?.via;
  }

  /** The base directory in use (after `initialize()`). */
  get baseDir(): string | undefined {
    return this.connection?.paths.base;
  }

  /**
   * The whole contract (every request the app's UI makes: models, gateway, discovery, logs,
   * settings…), for what the methods here do not cover. Typed: `(await manager.client()).invoke('gateway.status')`.
   */
  async client(): Promise<HostApi> {
    return this.api();
  }

  /**
   * Installs a provider and resolves once the install finished (`run.status === 'done'`); rejects
   * with an `OperationFailedError` carrying the run (failed step, exit code, log tail) otherwise.
   * Resolves with `null` for one there is nothing to install for (the built-in engine, a command
   * already on this machine, a desktop app installed by the user).
   *
   * Give a catalog id (`'llamacpp'`, `'vllm'`) or a recipe of your own (the spec's custom provider
   * definition): it is saved as `config/providers.d/<id>.yaml`, checked as a hand-written file is,
   * and, because your code states its commands, confirmed as given (the host refuses the
   * confirmation if the file changed in between). It then shows in the app like any custom recipe.
   */
  async installProvider(provider: string | RecipeInput): Promise<InstallRun | null> {
    const api = await this.api();
    let id: string;
    if (typeof provider === 'string') id = provider;
    else {
      const commands = await api.invoke('providers.define', { recipe: provider as unknown as Record<string, unknown> });
      if (!commands.trusted) await api.invoke('providers.trust', { id: commands.id, hash: commands.hash });
      this.log.write('info', `defined custom provider ${commands.id} (${commands.file ?? 'config/providers.d'})`);
      id = commands.id;
    }
    const { installStrategy, name } = await api.invoke('providers.get', { id });
    if (installStrategy === 'none' || installStrategy === 'builtin' || installStrategy === 'external') {
      this.log.write('info', `${name} needs no install (${installStrategy})`);
      return null;
    }
    return this.runInstall(id, () => api.invoke('install.start', { ids: [id] }).then((runs) => runs[0]!));
  }

  /** Fetches the pinned (or configured) version and rebuilds, keeping config; resolves once done, as `installProvider`. */
  async updateProvider(id: string): Promise<InstallRun> {
    const api = await this.api();
    return this.runInstall(id, () => api.invoke('install.update', { id }));
  }

  /**
   * Starts a provider and resolves with its state once its health check passes; rejects with an
   * `OperationFailedError` (its `state.lastError` has the reason, fix and log tail) if it failed.
   */
  async startProvider(id: string): Promise<ProviderState> {
    return this.settled(await (await this.api()).invoke('providers.start', { id }), 'start');
  }

  /** Stops a provider and every process it started; resolves with its state (stopped). */
  async stopProvider(id: string): Promise<ProviderState> {
    return (await this.api()).invoke('providers.stop', { id });
  }

  /** Stops, then starts a provider; resolves once healthy, as `startProvider`. */
  async restartProvider(id: string): Promise<ProviderState> {
    return this.settled(await (await this.api()).invoke('providers.restart', { id }), 'restart');
  }

  /**
   * Starts every installed provider this machine can run (those still waiting for a model are left
   * out). Resolves with each one's state; one that failed does not stop the others, so look at `status`.
   */
  async startAllProviders(): Promise<ProviderState[]> {
    return (await this.api()).invoke('providers.startAll');
  }

  /** Stops every provider this app started. */
  async stopAllProviders(): Promise<ProviderState[]> {
    return (await this.api()).invoke('providers.stopAll');
  }

  /** Every provider in the catalog by id: its status, port, endpoint, whether it can run here, and more. */
  async getProviderStatus(): Promise<Record<string, ProviderStatusEntry>> {
    const { providers } = await (await this.api()).invoke('providers.list');
    return Object.fromEntries(
      providers.map((p) => {
        const endpoint = endpointOf(p);
        const entry: ProviderStatusEntry = {
          ...p,
          status: p.state.status,
          ...(p.state.port ? { port: p.state.port } : {}),
          ...(endpoint ? { endpoint } : {}),
          ...(p.state.health ? { lastCheck: p.state.health.at } : {}),
        };
        return [p.id, entry];
      }),
    );
  }

  /**
   * The providers that answer now, with their endpoints and models: ours that are running (healthy),
   * and servers found running outside the app. What a load balancer picks from.
   */
  async getRunningProviders(): Promise<RunningProvider[]> {
    const { providers } = await (await this.api()).invoke('providers.list');
    return providers.flatMap((p): RunningProvider[] => {
      const endpoint = endpointOf(p);
      const up = p.state.status === 'running' || (p.state.status === 'external' && !p.state.external?.lockedStatus);
      if (!up || !endpoint) return [];
      return [
        {
          id: p.id,
          name: p.name,
          endpoint,
          ...(p.api === 'openai' ? { openaiBaseUrl: `${endpoint}/v1` } : {}),
          api: p.api,
          ...(p.state.port ? { port: p.state.port } : {}),
          ...(p.state.pid ? { pid: p.state.pid } : {}),
          models: p.state.models ?? [],
          external: p.state.status === 'external',
        },
      ];
    });
  }

  /** Removes package caches, leftover downloads and unfinished installs; says how much space it freed. */
  async cleanup(): Promise<CleanupReport> {
    const report = await (await this.api()).invoke('install.cleanup');
    this.log.write('info', `cleanup freed ${report.freedBytes} bytes`);
    return report;
  }

  /**
   * Where this manager writes what it does (connections, state changes, install steps), and from
   * which level: `debug`, `info` (default), `warn`, `error` or `silent`. `undefined` writes nothing.
   */
  setLogger(logger: Logger | undefined, level?: LogLevel): void {
    this.log.set(logger, level);
  }

  /** Changes the level `setLogger` set: `debug`, `info`, `warn`, `error` or `silent`. */
  setLogLevel(level: LogLevel): void {
    this.log.setLevel(level);
  }

  /**
   * Disconnects. If this process was the host (no app or `serve` was running), every provider it
   * started is stopped first; a running host's providers keep running.
   */
  async close(): Promise<void> {
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    this.connecting = undefined;
    if (!connection) return;
    this.log.write('debug', `closing the ${connection.via} connection`);
    await connection.close();
  }

  private api(): Promise<HostApi> {
    if (this.connection) return Promise.resolve(this.connection.api);
    this.connecting ??= connect({
      ...this.options,
      runtime: this.options.runtime ?? 'full',
      timeoutMs: this.options.timeoutMs ?? 15 * 60_000,
    }).then(
      (connection) => {
        this.connection = connection;
        this.watch(connection);
        this.log.write(
          'info',
          connection.via === 'host'
            ? `using the running host (pid ${connection.host?.pid}) for ${connection.paths.base}`
            : `running the host in this process for ${connection.paths.base}`,
        );
        return connection;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting.then((connection) => connection.api);
  }

  private watch(connection: Connection): void {
    connection.api.on('providers.state', (state) => {
      this.log.write(
        state.status === 'failed' || state.status === 'unhealthy' ? 'warn' : 'debug',
        `${state.id}: ${state.status} — ${state.reason}`,
      );
      this.emit('state', state);
    });
    connection.api.on('install.progress', (run) => {
      this.log.write('debug', `${run.providerId}: ${run.action} ${run.status} (step ${run.current + 1}/${run.steps.length})`);
      this.emit('install', run);
    });
    void connection.closed.then(() => this.lost(connection));
  }

  private lost(connection: Connection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.connecting = undefined;
    this.log.write('warn', 'lost the connection to the host');
    this.emit('disconnected');
  }

  private async runInstall(id: string, begin: () => Promise<InstallRun>): Promise<InstallRun> {
    const api = await this.api();
    // Listen before starting so the last event cannot slip by; the run names the canonical id (aliases resolve).
    const seen: InstallRun[] = [];
    const stopSeeing = api.on('install.progress', (run) => seen.push(run));
    let started: InstallRun;
    try {
      started = await begin();
    } catch (error) {
      stopSeeing();
      throw error;
    }
    const [run] = await waitForRuns([started.providerId], (listener) => {
      stopSeeing();
      [started, ...seen].forEach(listener);
      return api.on('install.progress', listener);
    });
    if (run!.status === 'done') {
      this.log.write('info', `${id}: ${run!.action} done`);
      return run!;
    }
    throw new OperationFailedError(
      `${run!.action === 'update' ? 'Updating' : 'Installing'} ${id} ${run!.status}${run!.failure ? `: ${run!.failure.message}` : '.'}`,
      {
        hint: `See its install log: ${run!.logFile}`,
        run: run!,
      },
    );
  }

  private settled(state: ProviderState, action: string): ProviderState {
    if (state.status !== 'failed') return state;
    throw new OperationFailedError(`${state.id} failed to ${action}: ${state.lastError?.message ?? state.reason}`, {
      hint: state.lastError?.hint,
      state,
    });
  }
}

function endpointOf(p: ProviderSummary): string | undefined {
  if (p.state.external?.baseUrl) return p.state.external.baseUrl.replace(/\/+$/, '');
  return p.state.port && p.state.status !== 'stopped' && p.state.status !== 'failed' ? `http://127.0.0.1:${p.state.port}` : undefined;
}
