// Our gateway as users run it: the whole host that `npm run serve` starts (discovery, health
// checks, resource sampling and the headless UI's server all running beside the gateway), with
// the benchmark's upstream added as a saved endpoint over the contract, as the Servers page does.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cliPath, freshDirs, spawnHost, writeSettings, type RunningHost } from '../../e2e/support/host-process';
import { connectToHeadlessHost } from '../../main/transports/ws-client';
import { pickPort } from '../../main/services/os/ports';

export interface GatewayHost {
  /** The gateway's port. */
  port: number;
  /** The host process (taskset execs node in place). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `cli.js serve` pinned to `cpu`, adds `upstream` (host:port) as a saved endpoint and
 * resolves once the gateway routes `model` to it. With `profileDir`, the host writes a V8 CPU
 * profile there when it stops.
 */
export async function startGatewayHost(options: {
  upstream: string;
  model: string;
  cpu: string;
  profileDir?: string;
}): Promise<GatewayHost> {
  const dirs = await freshDirs();
  const port = await pickPort(18400);
  await writeSettings(dirs, { gateway: { port } });
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${options.profileDir}`] : [];
  if (options.profileDir) await mkdir(options.profileDir, { recursive: true });
  const host: RunningHost = await spawnHost(
    'taskset',
    ['-c', options.cpu, process.execPath, ...nodeArgs, cliPath, 'serve', '--port', '0'],
    dirs,
  );
  const stop = async () => {
    await host.stop('SIGTERM');
    await rm(path.dirname(dirs.baseDir), { recursive: true, force: true });
  };
  try {
    const { client, close } = await connectToHeadlessHost(host.origin, host.token);
    try {
      await client.invoke('discovery.addEndpoint', { endpoint: options.upstream });
    } finally {
      close();
    }
    const deadline = Date.now() + 30_000;
    while (!(await routes(port, options.model))) {
      if (Date.now() > deadline) throw new Error(`the gateway never routed ${options.model} to ${options.upstream}:\n${host.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { port, pid: host.process.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function routes(port: number, model: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/models`);
    const body = (await res.json()) as { data?: Array<{ id: string; state?: string }> };
    return Boolean(body.data?.some((m) => m.id === model && m.state !== 'not-loaded'));
  } catch {
    return false;
  }
}

/** A temp folder for profiles, when asked for. */
export async function profileDirFrom(env: string | undefined): Promise<string | undefined> {
  if (!env) return undefined;
  return env === '1' ? mkdtemp(path.join(os.tmpdir(), 'gateway-profile-')) : path.resolve(env);
}
