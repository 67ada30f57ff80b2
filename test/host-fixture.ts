import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach } from 'vitest';
import { startHeadlessServer, type HeadlessServerOptions } from '../main/headless';
import { createHost, type Host } from '../main/host';
import { tempDir } from './temp-dir';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real host (services, RPC) in a fresh temp base directory. */
export async function startTestHost(env: NodeJS.ProcessEnv = {}): Promise<Host & { root: string }> {
  const root = await tempDir();
  const host = await createHost({
    mode: 'headless',
    env: { ...process.env, HELIX_LOCAL_LLM_DIR: path.join(root, 'base'), ...env },
    appConfigDir: path.join(root, 'app-config'),
    reportBug: () => {},
  });
  cleanups.push(() => host.close());
  return Object.assign(host, { root });
}

/** A host behind the real headless HTTP + WebSocket server on a free loopback port. */
export async function startTestServer(options: Partial<HeadlessServerOptions> = {}) {
  const host = await startTestHost();
  const staticDir = path.join(host.root, 'ui');
  await mkdir(staticDir, { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>test ui</title>');
  const server = await startHeadlessServer({ rpc: host.rpc, staticDir, port: 0, ...options });
  cleanups.push(() => server.close());
  return { host, server, staticDir, origin: `http://127.0.0.1:${server.port}` };
}
