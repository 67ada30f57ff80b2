import type { DiscoverySource } from '../../../shared/discovery';
import type { ProviderRecipe } from '../../../shared/recipe';

/** One host:port to probe, and every reason it is on the list. */
export interface Target {
  host: string;
  port: number;
  key: string;
  sources: DiscoverySource[];
  /** The catalog id this app runs on this port. */
  ownedBy?: string;
}

/** Always 127.0.0.1, never `localhost`: several servers bind IPv4 only and `localhost` may be ::1. */
export const LOOPBACK = '127.0.0.1';

export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const at = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, at), port: Number(endpoint.slice(at + 1)) };
}

export function baseUrlOf(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/**
 * The catalog's default ports on 127.0.0.1 (when asked), the ports of providers we run, and the
 * user's endpoints, each host:port once.
 */
export function buildTargets(input: {
  recipes: readonly ProviderRecipe[];
  defaultPorts: boolean;
  ownPorts: ReadonlyMap<number, string>;
  endpoints: readonly string[];
}): Target[] {
  const targets = new Map<string, Target>();
  const add = (host: string, port: number, source: DiscoverySource, ownedBy?: string) => {
    const key = `${host}:${port}`;
    const target = targets.get(key) ?? { host, port, key, sources: [] };
    if (!target.sources.includes(source)) target.sources.push(source);
    if (ownedBy) target.ownedBy = ownedBy;
    targets.set(key, target);
  };
  if (input.defaultPorts) for (const recipe of input.recipes) add(LOOPBACK, recipe.defaultPort, 'default-port');
  for (const [port, id] of input.ownPorts) add(LOOPBACK, port, 'ours', id);
  for (const endpoint of input.endpoints) {
    const { host, port } = splitEndpoint(endpoint);
    add(host, port, 'endpoint', host === LOOPBACK ? input.ownPorts.get(port) : undefined);
  }
  return [...targets.values()];
}
