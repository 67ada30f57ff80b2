import type { OnDemandLease } from './on-demand-hook';

/**
 * What the gateway routes to, and where it learns about it. The gateway depends only on this:
 * the supervisor's providers, discovery's external ones, or a fixed list in a test all arrive as
 * an `UpstreamSource`.
 */
export interface Upstream {
  /** Unique among the gateway's upstreams; shown to clients in `owned_by`. */
  providerId: string;
  /** Where its OpenAI API lives, without /v1: `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Model ids as the provider lists them (and expects in `model`). */
  models: string[];
  /** false takes it out of the rotation at once; true puts it back. */
  healthy: boolean;
  /** The provider's state in words, for the routing table ("running", "unhealthy", "external"). */
  state: string;
  /** Lower goes first under the priority strategy, after the order the user set. */
  priority?: number;
  /** Sent as `Authorization: Bearer …` to this upstream (servers such as TabbyAPI or Jan want one). */
  apiKey?: string;
  /** Set for a model loaded on demand: each request to it holds a lease while it runs. */
  lease?: () => OnDemandLease;
}

export interface UpstreamSource {
  list(): Upstream[];
  /** Called whenever `list()` may answer differently; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/**
 * Several sources seen as one: our own providers first, then any other source added later
 * (discovery's external servers). The same server reachable through two sources counts once,
 * under the first.
 */
export class MergedUpstreams implements UpstreamSource {
  private readonly sources: Array<{ source: UpstreamSource; off: () => void }> = [];
  private readonly listeners = new Set<() => void>();

  constructor(sources: UpstreamSource[] = []) {
    for (const source of sources) this.add(source);
  }

  /** Adds a source; returns a function that removes it again. */
  add(source: UpstreamSource): () => void {
    const entry = { source, off: source.onChange(() => this.notify()) };
    this.sources.push(entry);
    this.notify();
    return () => {
      const index = this.sources.indexOf(entry);
      if (index < 0) return;
      this.sources.splice(index, 1);
      entry.off();
      this.notify();
    };
  }

  list(): Upstream[] {
    const seenUrls = new Set<string>();
    const seenIds = new Set<string>();
    const result: Upstream[] = [];
    for (const { source } of this.sources) {
      for (const upstream of source.list()) {
        const url = upstream.baseUrl.replace(/\/+$/, '');
        if (seenUrls.has(url) || seenIds.has(upstream.providerId)) continue;
        seenUrls.add(url);
        seenIds.add(upstream.providerId);
        result.push(upstream);
      }
    }
    return result;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A source whose list is set by hand: for servers the user names, and for tests. */
export class StaticUpstreams implements UpstreamSource {
  private listeners = new Set<() => void>();

  constructor(private upstreams: Upstream[] = []) {}

  set(upstreams: Upstream[]): void {
    this.upstreams = upstreams;
    for (const listener of this.listeners) listener();
  }

  /** Changes one upstream (say, marks it unhealthy) and tells the gateway. */
  update(providerId: string, patch: Partial<Upstream>): void {
    this.set(this.upstreams.map((u) => (u.providerId === providerId ? { ...u, ...patch } : u)));
  }

  list(): Upstream[] {
    return this.upstreams;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
