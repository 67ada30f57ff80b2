import type { Refusal } from './refusals';

/**
 * What the gateway asks of a loader of models on demand (services/on-demand/). Consulted only
 * when a request names a model with no healthy route, and for GET /v1/models: a model already in
 * the routing table never reaches it.
 */
export interface OnDemandHook {
  /**
   * Loads `model` if it is one it can load, resolving once a route to it is in the table;
   * undefined when it is not such a model (or loading is off), so the gateway answers as before.
   */
  ensure(model: string): Promise<{ loaded: true } | { loaded: false; refusal: Refusal } | undefined>;
  /** Models it could load that no provider serves now, with their state, for GET /v1/models. */
  listed(): Promise<Array<{ id: string; state: 'not-loaded' | 'loading' }>>;
}

/**
 * Held by each request to a model loaded on demand, from its first attempt to its end: a model is
 * never unloaded with requests in flight, and its idle timer starts when the last one ends.
 */
export interface OnDemandLease {
  /** `keepAliveMs`: the request's own keep_alive (Ollama's): 0 unloads now, Infinity keeps it. */
  end(keepAliveMs: number | undefined): void;
}
