import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { AppFailure } from '../../../shared/errors';
import {
  DEFAULT_GATEWAY_PORT,
  GATEWAY_DEFAULTS,
  type GatewayPatch,
  type GatewaySettings,
  type GatewayStats,
  type GatewayStatus,
  type TryChatChunk,
  type TryChatRequest,
  type TryChatResult,
} from '../../../shared/gateway';
import { isRunning } from '../os/process-tree';
import { whoHolds, type PortHolder } from '../os/ports';
import { isLoopbackName } from '../os/loopback';
import { startGatewayServer, type GatewayServer } from './gateway-server';
import type { GatewayLimits } from './limits';
import type { OnDemandHook } from './on-demand-hook';
import { RoutingTable } from './routing-table';
import { tryChatThroughGateway } from './try-chat';
import type { UpstreamSource } from './upstreams';
import { UpstreamStats } from './upstream-stats';

export interface GatewayServiceOptions {
  upstreams: UpstreamSource;
  limits?: Partial<GatewayLimits>;
  /** How often stats events go out while requests flow (ms). */
  statsIntervalMs?: number;
  /** Loads models on demand (services/on-demand/); asked only for models no provider serves. */
  onDemand?: OnDemandHook;
  /** How often a port that was in use is tried again (ms). */
  busyPortRetryMs?: number;
}

/**
 * A port in use is tried again this often, so the gateway comes up by itself once its holder goes
 * (an earlier run still stopping, another app closed) rather than staying off until a settings change.
 */
const BUSY_PORT_RETRY_MS = 3_000;

/**
 * The gateway as the app sees it: listens (or not) as the settings say, keeps the routing table
 * in step with the upstreams, and reports status and per-provider stats as events.
 */
export class GatewayService extends EventEmitter<{ changed: [GatewayStatus]; stats: [GatewayStats]; tryChunk: [TryChatChunk] }> {
  private settings: GatewaySettings = GATEWAY_DEFAULTS;
  private server: GatewayServer | undefined;
  private table: RoutingTable;
  private readonly stats = new Map<string, UpstreamStats>();
  private error: GatewayStatus['error'];
  private queue: Promise<unknown> = Promise.resolve();
  private dirty = false;
  private announced = '';
  private readonly timer: NodeJS.Timeout;
  private readonly offUpstreams: () => void;
  private readonly tries = new Map<string, AbortController>();
  /** The next try of a port that was in use; cleared by any apply and by close. */
  private busyRetry: NodeJS.Timeout | undefined;
  /**
   * Who held that port (undefined: the OS would not say), kept while it lives, so a retry does not
   * ask the OS (`ss`, a fork of this process) every few seconds.
   */
  private busyHolder: { port: number; holder: PortHolder | undefined } | undefined;
  /** close() was called: an apply already queued must not leave a retry behind. */
  private closed = false;

  constructor(private readonly options: GatewayServiceOptions) {
    super();
    this.table = this.buildTable();
    this.offUpstreams = options.upstreams.onChange(() => {
      this.table = this.buildTable();
      this.announce(this.status());
      this.dirty = true;
    });
    this.timer = setInterval(() => this.flushStats(), options.statsIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Listens, stops or moves as the settings say; strategies and the key apply at once. */
  apply(settings: GatewaySettings): Promise<GatewayStatus> {
    const run = this.queue.then(() => this.applyNow(settings));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The settings a `gateway.update` patch leads to; refuses combinations that cannot work. */
  static merge(current: GatewaySettings, patch: GatewayPatch): GatewaySettings {
    const { apiKey, generateKey, modelStrategy, onDemand, ...rest } = patch;
    const next: GatewaySettings = { ...current, ...dropUndefined(rest) };
    if (onDemand) next.onDemand = { ...current.onDemand, ...dropUndefined(onDemand) };
    if (apiKey === null) delete next.apiKey;
    else if (apiKey !== undefined) next.apiKey = apiKey;
    if (generateKey) next.apiKey = `llm-${randomBytes(24).toString('base64url')}`;
    if (modelStrategy) {
      const { [modelStrategy.model]: _old, ...others } = next.modelStrategies;
      next.modelStrategies = modelStrategy.strategy ? { ...others, [modelStrategy.model]: modelStrategy.strategy } : others;
    }
    if (next.enabled && !isLoopbackName(next.host) && !next.apiKey) {
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `The gateway would listen on ${next.host}, beyond this machine, without an API key.`,
        hint: 'Set an API key first (Generate key), or keep the host 127.0.0.1.',
      });
    }
    return next;
  }

  status(): GatewayStatus {
    const s = this.settings;
    return {
      enabled: s.enabled,
      listening: this.server !== undefined,
      ...(this.server ? { url: this.url() } : {}),
      host: s.host,
      port: s.port,
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      strategy: s.strategy,
      modelStrategies: s.modelStrategies,
      priority: s.priority,
      corsOrigins: s.corsOrigins,
      routes: this.table.describe(performance.now(), Date.now()),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  statsSnapshot(): GatewayStats {
    const now = performance.now();
    const wallNow = Date.now();
    const present = new Set(this.options.upstreams.list().map((u) => u.providerId));
    const upstreams = [...this.stats.values()]
      .filter((s) => present.has(s.providerId) || s.inFlight > 0)
      .map((s) => s.snapshot(now, wallNow));
    return { at: new Date(wallNow).toISOString(), upstreams };
  }

  /** The base URL clients use, ending in /v1; undefined while not listening. */
  url(): string | undefined {
    if (!this.server) return undefined;
    const host =
      this.server.host === '0.0.0.0' || this.server.host === '::'
        ? '127.0.0.1'
        : this.server.host.includes(':')
          ? `[${this.server.host}]`
          : this.server.host;
    return `http://${host}:${this.server.port}/v1`;
  }

  /** Streams one chat through the gateway; each piece of text is a `tryChunk` event as it arrives. */
  async tryChat(request: TryChatRequest): Promise<TryChatResult> {
    const url = this.url();
    if (!url) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: 'The gateway is not listening, so there is nothing to try.',
        hint: this.error?.hint ?? 'Turn the gateway on.',
      });
    }
    if (this.tries.has(request.id)) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `A try with id "${request.id}" is already running.`,
        hint: 'Use a new id for each try.',
      });
    }
    const abort = new AbortController();
    this.tries.set(request.id, abort);
    try {
      const onDelta = (delta: string, reasoning?: boolean) =>
        this.emit('tryChunk', { id: request.id, delta, ...(reasoning ? { reasoning: true as const } : {}) });
      return await tryChatThroughGateway(url, this.settings.apiKey, request, onDelta, abort.signal);
    } catch (error) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: (error as Error).message,
        hint: 'Check the routing table (is a provider serving this model running and healthy?) and, for a model loaded on demand, its row under Models on demand.',
      });
    } finally {
      this.tries.delete(request.id);
    }
  }

  cancelTry(id: string): boolean {
    const abort = this.tries.get(id);
    abort?.abort();
    return abort !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.busyRetry);
    this.offUpstreams();
    for (const abort of this.tries.values()) abort.abort();
    await this.queue;
    await this.server?.close();
    this.server = undefined;
    this.removeAllListeners();
  }

  private async applyNow(settings: GatewaySettings): Promise<GatewayStatus> {
    clearTimeout(this.busyRetry);
    this.busyRetry = undefined;
    const before = this.settings;
    this.settings = settings;
    const moved = before.host !== settings.host || before.port !== settings.port;
    if (this.server && (!settings.enabled || moved)) {
      await this.server.close();
      this.server = undefined;
    }
    this.error = undefined;
    if (settings.enabled && !this.server) {
      if (!isLoopbackName(settings.host) && !settings.apiKey) {
        this.error = {
          message: `The gateway is set to listen on ${settings.host}, beyond this machine, but has no API key, so it stays off.`,
          hint: 'Generate an API key on the Gateway page, or set the host back to 127.0.0.1.',
        };
      } else {
        try {
          this.server = await startGatewayServer({
            host: settings.host,
            port: settings.port,
            apiKey: () => this.settings.apiKey,
            corsOrigins: () => this.settings.corsOrigins,
            table: () => this.table,
            touched: () => void (this.dirty = true),
            limits: this.options.limits,
            onDemand: this.options.onDemand,
          });
        } catch (error) {
          const failure = error as NodeJS.ErrnoException;
          if (failure.code === 'EADDRINUSE') {
            this.error = await this.portInUse(settings);
            if (!this.closed) {
              this.busyRetry = setTimeout(() => void this.apply(this.settings), this.options.busyPortRetryMs ?? BUSY_PORT_RETRY_MS);
              this.busyRetry.unref();
            }
          } else {
            this.error = describeListenError(failure, settings);
          }
        }
      }
    }
    this.table = this.buildTable();
    const status = this.status();
    this.announce(status);
    return status;
  }

  /** The error for a port in use, naming its holder (kept while it lives, see `busyHolder`). */
  private async portInUse(settings: GatewaySettings): Promise<NonNullable<GatewayStatus['error']>> {
    const known = this.busyHolder;
    const holder =
      known?.port === settings.port && (!known.holder || isRunning(known.holder.pid)) ? known.holder : await whoHolds(settings.port);
    this.busyHolder = { port: settings.port, holder };
    // This process's own port (the UI's page, a control endpoint) never frees while it runs: waiting is no help.
    if (holder?.pid === process.pid)
      return {
        message: `Port ${settings.port} on ${settings.host} is this app's own (its page or another of its servers), so the gateway is not listening.`,
        hint: `Choose another port for the gateway (its default is ${DEFAULT_GATEWAY_PORT}).`,
      };
    return {
      message: `Port ${settings.port} on ${settings.host} is already in use${holder ? ` by PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : ''}, so the gateway is not listening.`,
      hint: 'Stop whatever holds it, or choose another port for the gateway: it starts listening by itself once the port is free.',
    };
  }

  /** Tells listeners about a status that differs from the last one told (settings saves that touch other keys change nothing here). */
  private announce(status: GatewayStatus): void {
    const text = JSON.stringify(status);
    if (text === this.announced) return;
    this.announced = text;
    this.emit('changed', status);
  }

  private buildTable(): RoutingTable {
    const upstreams = this.options.upstreams.list();
    return new RoutingTable(upstreams, (id) => this.statsOf(id), this.settings);
  }

  private statsOf(providerId: string): UpstreamStats {
    let stats = this.stats.get(providerId);
    if (!stats) {
      stats = new UpstreamStats(providerId);
      this.stats.set(providerId, stats);
    }
    return stats;
  }

  private flushStats(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.emit('stats', this.statsSnapshot());
  }
}

/** Listen errors other than a port in use: nothing changes them but the user. */
function describeListenError(error: NodeJS.ErrnoException, settings: GatewaySettings): NonNullable<GatewayStatus['error']> {
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return {
      message: `Cannot listen on ${settings.host}: no such address on this machine.`,
      hint: 'Use 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces).',
    };
  }
  if (error.code === 'EACCES') {
    return { message: `Not allowed to listen on port ${settings.port}.`, hint: 'Choose a port above 1023.' };
  }
  return {
    message: `The gateway could not listen on ${settings.host}:${settings.port}: ${error.message}`,
    hint: 'Choose another host or port.',
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
