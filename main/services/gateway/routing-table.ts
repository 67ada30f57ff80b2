import type { GatewayRoute, GatewaySettings, GatewayStrategy } from '../../../shared/gateway';
import type { Upstream } from './upstreams';
import type { UpstreamStats } from './upstream-stats';

/** Attempts are tracked in a 31-bit mask, so a model is balanced over at most this many providers. */
export const MAX_TARGETS_PER_MODEL = 31;

/** One upstream, parsed once when the table is built rather than on every request. */
export interface Target {
  upstream: Upstream;
  stats: UpstreamStats;
  /** `http://127.0.0.1:8080`: what the connection pool is keyed by. */
  origin: string;
  /** What to send as Host (the upstream's own name: some servers refuse others). */
  hostHeader: string;
  /** The path prefix of baseUrl ('' for most), put before /v1/…. */
  basePath: string;
  /** `Authorization` to send upstream, if the upstream has its own key. */
  authorization?: string;
  /** Position in the priority order (user's list, then the upstream's own priority). */
  rank: number;
}

export interface Route {
  model: string;
  strategy: GatewayStrategy;
  targets: Target[];
  /** Rotates where round-robin starts, and breaks ties for the other strategies. */
  cursor: number;
}

/**
 * Model id → the upstreams serving it, rebuilt whenever upstreams or settings change (rare) so
 * that a request does one map lookup. Unhealthy upstreams stay in the table (to tell a 503 from a
 * 404) and are skipped by `pick`.
 */
export class RoutingTable {
  private readonly routes = new Map<string, Route>();
  /** GET /v1/models, serialised once per rebuild. */
  readonly modelsBody: Buffer;

  constructor(
    upstreams: Upstream[],
    statsOf: (providerId: string) => UpstreamStats,
    settings: Pick<GatewaySettings, 'strategy' | 'modelStrategies' | 'priority'>,
  ) {
    const targets = upstreams.map((upstream, index) => toTarget(upstream, statsOf(upstream.providerId), settings.priority, index));
    targets.sort((a, b) => a.rank - b.rank);
    for (const target of targets) {
      for (const model of new Set(target.upstream.models)) {
        let route = this.routes.get(model);
        if (!route) {
          route = { model, strategy: settings.modelStrategies[model] ?? settings.strategy, targets: [], cursor: 0 };
          this.routes.set(model, route);
        }
        if (route.targets.length < MAX_TARGETS_PER_MODEL) route.targets.push(target);
      }
    }
    const data = [...this.routes.values()]
      .filter((route) => route.targets.some((t) => t.upstream.healthy))
      .map((route) => {
        const providers = route.targets.filter((t) => t.upstream.healthy).map((t) => t.upstream.providerId);
        return { id: route.model, object: 'model', created: 0, owned_by: providers.join(', '), providers };
      });
    this.modelsBody = Buffer.from(JSON.stringify({ object: 'list', data }));
  }

  get(model: string): Route | undefined {
    return this.routes.get(model);
  }

  /** Every model some upstream lists, healthy or not. */
  models(): string[] {
    return [...this.routes.keys()];
  }

  describe(now: number, wallNow: number): GatewayRoute[] {
    return [...this.routes.values()].map((route) => ({
      model: route.model,
      strategy: route.strategy,
      targets: route.targets.map((t) => ({
        providerId: t.upstream.providerId,
        baseUrl: t.upstream.baseUrl,
        healthy: t.upstream.healthy,
        state: t.upstream.state,
        ...(t.stats.coolingDownUntil > now ? { coolingDownUntil: new Date(wallNow + t.stats.coolingDownUntil - now).toISOString() } : {}),
      })),
    }));
  }
}

function toTarget(upstream: Upstream, stats: UpstreamStats, order: string[], index: number): Target {
  const url = new URL(upstream.baseUrl);
  const listed = order.indexOf(upstream.providerId);
  return {
    upstream,
    stats,
    origin: url.origin,
    hostHeader: url.host,
    basePath: url.pathname.replace(/\/+$/, ''),
    ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}),
    // The user's order first; then the upstream's own priority; then the order sources gave.
    rank: (listed >= 0 ? listed : order.length + 1) * 1e6 + (upstream.priority ?? 0) * 1e3 + index,
  };
}

/**
 * The next target for a request that has already tried the targets in `tried` (a bit mask):
 * healthy ones not cooling down, chosen by the route's strategy; failing those, the healthy
 * ones cooling down (a last resort beats a 503). -1 when nothing is left.
 */
export function pickTarget(route: Route, tried: number, now: number): number {
  const targets = route.targets;
  const n = targets.length;
  if (n === 0) return -1;
  const strategy = route.strategy;
  // Priority always starts at the top; the others rotate so ties spread evenly.
  let start = 0;
  if (strategy !== 'priority') {
    start = route.cursor;
    route.cursor = start + 1 >= n ? 0 : start + 1;
  }
  let best = -1;
  let fallback = -1;
  for (let k = 0; k < n; k++) {
    const i = start + k < n ? start + k : start + k - n;
    const target = targets[i]!;
    if (!target.upstream.healthy || (tried & (1 << i)) !== 0) continue;
    if (target.stats.coolingDownUntil > now) {
      if (fallback < 0 || better(strategy, target, targets[fallback]!)) fallback = i;
      continue;
    }
    if (strategy === 'round-robin' || strategy === 'priority') return i;
    if (best < 0 || better(strategy, target, targets[best]!)) best = i;
  }
  return best >= 0 ? best : fallback;
}

function better(strategy: GatewayStrategy, a: Target, b: Target): boolean {
  switch (strategy) {
    case 'least-busy':
      return a.stats.inFlight < b.stats.inFlight;
    case 'lowest-latency':
      return a.stats.ttfbMs < b.stats.ttfbMs;
    case 'priority':
      return a.rank < b.rank;
    default:
      return false;
  }
}
