import { EventEmitter } from 'node:events';
import type { DiscoveredServer, DiscoveryResults, DiscoverySettings, ExternalUpstream } from '../../../shared/discovery';
import type { ProviderRecipe } from '../../../shared/recipe';
import { commandLineOf } from '../os/process-tree';
import { examine } from './examine';
import { redactCommand } from './redact-command';
import { tcpOpen } from './http-probe';
import { ProcessSnapshot } from './process-snapshot';
import { isLoopbackAddress } from '../os/loopback';
import { buildTargets, LOOPBACK, type Target } from './targets';

export interface DiscoveryTimeouts {
  /** A refused connection on loopback is immediate; this only bounds a stalled one. */
  loopbackConnectMs: number;
  /** Other machines may drop packets instead of refusing. */
  remoteConnectMs: number;
  requestMs: number;
}

export interface DiscoveryDeps {
  recipes(): readonly ProviderRecipe[];
  /** Ports the providers this app runs use now (main and extra ports) → their catalog id. */
  ownPorts(): ReadonlyMap<number, string>;
  settings(): DiscoverySettings;
  /** Keys the user saved (per endpoint, per provider), sent to servers that are locked without them. */
  keys?: DiscoveryKeys;
  /**
   * Probe every recipe's default port on 127.0.0.1. Tests turn it off so that servers the machine
   * happens to run cannot change their outcome.
   */
  scanDefaultPorts?: boolean;
  timeouts?: Partial<DiscoveryTimeouts>;
}

export interface DiscoveryKeys {
  forEndpoint(endpoint: string): string | undefined;
  forProvider(id: string): string | undefined;
}

const DEFAULT_TIMEOUTS: DiscoveryTimeouts = { loopbackConnectMs: 300, remoteConnectMs: 1500, requestMs: 2000 };

/**
 * Finds the LLM servers running on this machine (and on endpoints the user added), says what
 * each is, and whether this app started it. Scans at start, on demand and every
 * `discovery.intervalSec`; a `changed` event follows every scan whose findings differ from the
 * last (not mere latency changes).
 */
export class DiscoveryService extends EventEmitter<{ changed: [DiscoveryResults] }> {
  private last: DiscoveryResults;
  private signature = '';
  private inflight?: Promise<DiscoveryResults>;
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly timeouts: DiscoveryTimeouts;
  /** host:port → the key its last examination was let in with (kept out of the results: clients see those). */
  private keysUsed = new Map<string, string>();

  constructor(private readonly deps: DiscoveryDeps) {
    super();
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
    const settings = deps.settings();
    this.last = { servers: [], probed: 0, endpoints: settings.endpoints, intervalSec: settings.intervalSec };
    // Finding nothing at first is no news.
    this.signature = signatureOf(this.last);
  }

  results(): DiscoveryResults {
    const settings = this.deps.settings();
    return { ...this.last, endpoints: settings.endpoints, intervalSec: settings.intervalSec };
  }

  /**
   * Scans now. A caller that arrives during a scan shares it, unless it needs one that starts
   * after its own change (a new endpoint): `fresh` waits for the running scan, then scans again.
   */
  scan(options: { fresh?: boolean } = {}): Promise<DiscoveryResults> {
    if (this.inflight && !options.fresh) return this.inflight;
    const previous = this.inflight ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.scanOnce());
    const tracked = next.finally(() => {
      if (this.inflight === tracked) this.inflight = undefined;
    });
    this.inflight = tracked;
    return tracked;
  }

  /** Scans now and then every `intervalSec` (re-read each time, so a settings change applies at the next tick). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Re-arms the periodic scan after the interval setting changed. */
  reschedule(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.schedule();
  }

  /**
   * Servers the gateway may route to that this app does not run: every external top-level server
   * that is a known provider or speaks OpenAI's API. Listen to `changed` for updates.
   */
  externalUpstreams(): ExternalUpstream[] {
    return this.last.servers
      .filter((s) => s.ownership === 'external' && !s.parent && (s.kind === 'provider' || s.kind === 'openai-compatible'))
      .map((s) => {
        const providerId = s.providerId ?? 'openai-compatible';
        return {
          id: `${providerId}@${s.key}`,
          providerId,
          name: s.providerName ?? 'OpenAI-compatible server',
          baseUrl: s.baseUrl,
          models: s.models,
          healthy: s.healthy && !s.locked,
          locked: Boolean(s.locked),
        };
      });
  }

  /**
   * `externalUpstreams()` in the shape of the gateway's UpstreamSource (gateway/upstreams.ts), ready
   * for `gatewayUpstreams.add(discovery.upstreamSource())`. `providerId` is the unique id
   * (`ollama@127.0.0.1:11434`), so the user's own Ollama never merges with one we run.
   */
  upstreamSource(): {
    list(): Array<{ providerId: string; baseUrl: string; models: string[]; healthy: boolean; state: string; apiKey?: string }>;
    onChange(listener: () => void): () => void;
  } {
    return {
      list: () =>
        this.externalUpstreams().map((u) => ({
          providerId: u.id,
          baseUrl: u.baseUrl,
          models: u.models,
          healthy: u.healthy,
          state: u.locked ? 'external, locked' : 'external',
          ...this.keyOf(u.id.slice(u.providerId.length + 1)),
        })),
      onChange: (listener) => {
        this.on('changed', listener);
        return () => this.off('changed', listener);
      },
    };
  }

  /** `{ apiKey }` when the server at host:port let the last scan in with a saved key. */
  private keyOf(serverKey: string): { apiKey?: string } {
    const apiKey = this.keysUsed.get(serverKey);
    return apiKey ? { apiKey } : {};
  }

  /**
   * The external server a catalog provider's tile shows: found as that provider (or, locked, on
   * its port alone), not ours, not a runner inside another app. The default-port one first.
   */
  externalFor(recipeId: string): { server: DiscoveredServer; others: number } | undefined {
    const matches = this.last.servers
      .filter((s) => s.providerId === recipeId && s.ownership === 'external' && !s.parent)
      .sort((a, b) => Number(b.sources.includes('default-port')) - Number(a.sources.includes('default-port')) || a.port - b.port);
    return matches[0] ? { server: matches[0], others: matches.length - 1 } : undefined;
  }

  private tick(): void {
    this.scan()
      .catch(() => undefined)
      .finally(() => this.schedule());
  }

  private schedule(): void {
    const seconds = this.deps.settings().intervalSec;
    if (!this.running || seconds <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), seconds * 1000);
    this.timer.unref();
  }

  private async scanOnce(): Promise<DiscoveryResults> {
    const started = performance.now();
    const settings = this.deps.settings();
    const recipes = this.deps.recipes();
    const ownPorts = this.deps.ownPorts();
    const targets = buildTargets({ recipes, defaultPorts: this.deps.scanDefaultPorts ?? true, ownPorts, endpoints: settings.endpoints });
    const keysUsed = new Map<string, string>();
    const servers = await this.probeAll(targets, recipes, keysUsed);
    if (servers.some((s) => isLoopbackAddress(s.host))) await this.addProcessFacts(servers, recipes, ownPorts, keysUsed);

    servers.sort(
      (a, b) => Number(isLoopbackAddress(b.host)) - Number(isLoopbackAddress(a.host)) || a.host.localeCompare(b.host) || a.port - b.port,
    );
    const results: DiscoveryResults = {
      servers,
      scannedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
      probed: targets.length,
      endpoints: settings.endpoints,
      intervalSec: settings.intervalSec,
    };
    this.last = results;
    const keysChanged = !sameEntries(keysUsed, this.keysUsed);
    this.keysUsed = keysUsed;
    const signature = signatureOf(results);
    if (signature !== this.signature || keysChanged) {
      this.signature = signature;
      this.emit('changed', results);
    }
    return results;
  }

  private async probeAll(
    targets: Target[],
    recipes: readonly ProviderRecipe[],
    keysUsed: Map<string, string>,
  ): Promise<DiscoveredServer[]> {
    const before = new Map(this.last.servers.map((s) => [s.key, s]));
    const found = await Promise.all(
      targets.map(async (target) => {
        const seen = await this.look(target, recipes, keysUsed);
        const last = before.get(target.key);
        // A look that finds a server gone, unhealthy, renamed or with models missing is taken again
        // at once before it is believed: one dropped answer, or a host that was itself stopped or
        // starved while the answers waited in its sockets (its deadlines pass, and timers run before
        // I/O when the loop wakes), must not take a provider out of the gateway until the next scan.
        return last && looksWorse(last, seen) ? this.look(target, recipes, keysUsed) : seen;
      }),
    );
    return found.filter((s): s is DiscoveredServer => s !== undefined);
  }

  private async look(target: Target, recipes: readonly ProviderRecipe[], keysUsed: Map<string, string>) {
    const loopback = isLoopbackAddress(target.host);
    const connectMs = loopback ? this.timeouts.loopbackConnectMs : this.timeouts.remoteConnectMs;
    if (!(await tcpOpen(target.host, target.port, connectMs))) return undefined;
    return this.examineWithKey(target, recipes, keysUsed);
  }

  /**
   * Examines a server with the key saved for its endpoint from the first request on. One found
   * locked is asked again with the key saved for the provider it was found as, but only on this
   * machine: a provider's key never goes to another host that merely claims to be that provider.
   */
  private async examineWithKey(target: Target, recipes: readonly ProviderRecipe[], keysUsed: Map<string, string>) {
    const keys = this.deps.keys;
    let key = keys?.forEndpoint(target.key);
    let server = await examine(target, recipes, this.timeouts.requestMs, key);
    if (server?.locked && !key && server.providerId && isLoopbackAddress(target.host)) {
      key = keys?.forProvider(server.providerId);
      if (key) server = (await examine(target, recipes, this.timeouts.requestMs, key)) ?? server;
    }
    if (!server || !key) return server;
    if (server.locked) server.locked.keyRefused = true;
    else {
      server.withKey = true;
      keysUsed.set(server.key, key);
    }
    return server;
  }

  /**
   * PIDs and command lines of the servers on this machine; servers started by another found
   * server's process (Ollama's runners) are attributed to it, including ones on random ports that
   * no target named, which are looked for among that process's descendants.
   */
  private async addProcessFacts(
    servers: DiscoveredServer[],
    recipes: readonly ProviderRecipe[],
    ownPorts: ReadonlyMap<number, string>,
    keysUsed: Map<string, string>,
  ): Promise<void> {
    const snapshot = await ProcessSnapshot.take();
    const local = () => servers.filter((s) => isLoopbackAddress(s.host));
    for (const server of local()) {
      const pid = snapshot.pidOfPort(server.port);
      if (pid) server.pid = pid;
    }

    const known = new Set(local().map((s) => s.port));
    const childTargets: Target[] = [];
    for (const server of local().filter((s) => s.pid && s.kind === 'provider')) {
      for (const port of snapshot.portsOf(snapshot.descendants(server.pid!))) {
        if (known.has(port)) continue;
        known.add(port);
        childTargets.push({ host: LOOPBACK, port, key: `${LOOPBACK}:${port}`, sources: ['child'], ownedBy: ownPorts.get(port) });
      }
    }
    if (childTargets.length > 0) {
      for (const child of await this.probeAll(childTargets, recipes, keysUsed)) {
        const pid = snapshot.pidOfPort(child.port);
        if (pid) child.pid = pid;
        servers.push(child);
      }
    }

    const byPid = new Map(
      local()
        .filter((s) => s.pid)
        .map((s) => [s.pid!, s]),
    );
    for (const server of local()) {
      if (!server.pid) continue;
      const owner = snapshot
        .ancestors(server.pid)
        .map((pid) => byPid.get(pid))
        .find((candidate) => candidate && candidate.key !== server.key);
      if (owner) {
        server.parent = { key: owner.key, pid: owner.pid!, providerId: owner.providerId, providerName: owner.providerName };
        if (owner.ownership === 'ours') {
          server.ownership = 'ours';
          server.ownedBy = owner.ownedBy;
        }
      }
    }
    await Promise.all(
      local().map(async (server) => {
        if (!server.pid) return;
        const command = await commandLineOf(server.pid).catch(() => undefined);
        if (command) server.command = redactCommand(command);
      }),
    );
  }
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** What a scan found, without the parts that change every time (timestamps, latencies). */
function signatureOf(results: DiscoveryResults): string {
  return JSON.stringify({
    endpoints: results.endpoints,
    servers: results.servers.map(({ health, ...rest }) => ({ ...rest, health: health && { ok: health.ok, detail: health.detail } })),
  });
}

/** What a second look must confirm: the server gone, no longer healthy, named otherwise, or without a model it served. */
function looksWorse(last: DiscoveredServer, now: DiscoveredServer | undefined): boolean {
  if (!now) return true;
  if (last.healthy && !now.healthy) return true;
  if (last.kind !== now.kind || last.providerId !== now.providerId) return true;
  return last.models.some((model) => !now.models.includes(model));
}
