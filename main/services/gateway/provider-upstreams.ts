import type { ProviderState } from '../../../shared/provider';
import type { Upstream, UpstreamSource } from './upstreams';

/** Provider states as the manager (or the supervisor) reports them. */
export interface ProviderStateFeed {
  states(): ProviderState[];
  on(event: 'state', listener: (state: ProviderState) => void): unknown;
  off(event: 'state', listener: (state: ProviderState) => void): unknown;
}

/**
 * The providers we run, as gateway upstreams: those with a port and listed models while they
 * are running (healthy) or unhealthy (kept in the table, out of the rotation). Health probes
 * change state often; listeners hear only about changes that matter to routing.
 */
export class ProviderUpstreams implements UpstreamSource {
  private readonly states = new Map<string, ProviderState>();
  private readonly listeners = new Set<() => void>();
  private current: Upstream[] = [];
  private signature = '';
  private readonly onState = (state: ProviderState) => {
    this.states.set(state.id, state);
    this.recompute();
  };

  constructor(
    private readonly feed: ProviderStateFeed,
    private readonly host = '127.0.0.1',
    /** The key a locked provider wants (TabbyAPI's own, or one the user saved). */
    private readonly apiKeyOf: (id: string) => string | undefined = () => undefined,
  ) {
    for (const state of feed.states()) this.states.set(state.id, state);
    feed.on('state', this.onState);
    this.recompute();
  }

  list(): Upstream[] {
    return this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A key was saved, removed or read: the list may differ though no state changed. */
  refresh(): void {
    this.recompute();
  }

  dispose(): void {
    this.feed.off('state', this.onState);
    this.listeners.clear();
  }

  private recompute(): void {
    const next: Upstream[] = [];
    for (const state of this.states.values()) {
      if ((state.status !== 'running' && state.status !== 'unhealthy') || !state.port || !state.models?.length) continue;
      const apiKey = this.apiKeyOf(state.id);
      next.push({
        providerId: state.id,
        baseUrl: `http://${this.host}:${state.port}`,
        models: state.models,
        healthy: state.status === 'running',
        state: state.status,
        ...(apiKey ? { apiKey } : {}),
      });
    }
    const signature = JSON.stringify(next);
    if (signature === this.signature) return;
    this.signature = signature;
    this.current = next;
    for (const listener of this.listeners) listener();
  }
}
