import { startHeadlessServer } from './headless';
import type { Host } from './host';

export interface ControlEndpoint {
  /** Forgets cache/host.json, then stops the endpoint. */
  close(): Promise<void>;
}

/**
 * How the CLI and other scripts find a host that another program runs (the desktop app, or a
 * script through the Node API) the way they find `serve`: the contract on a loopback port behind
 * a per-start token, named in cache/host.json.
 */
export async function openControlEndpoint(host: Host, staticDir: string, mode: 'desktop' | 'script'): Promise<ControlEndpoint> {
  const server = await startHeadlessServer({ rpc: host.rpc, staticDir, port: 0 });
  try {
    await host.announce({ origin: new URL(server.url).origin, token: server.token, mode });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    async close() {
      await host.withdraw();
      await server.close();
    },
  };
}
