import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import type { Upstream } from '../main/services/gateway/upstreams';
import { STAND_IN_LLAMA_SERVER } from './stand-in';

export interface RunningStandIn {
  name: string;
  port: number;
  baseUrl: string;
  child: ChildProcess;
  /** What its /v1/models lists. */
  models: string[];
  /** Its own request counters (GET /standin/stats). */
  stats(): Promise<{ requests: number; completed: number; aborted: number; inFlight: number; streamedBytes: number }>;
  /** It as a gateway upstream. */
  upstream(extra?: Partial<Upstream>): Upstream;
  kill9(): Promise<void>;
}

const running: ChildProcess[] = [];

/**
 * A llama-server stand-in on a free port, serving `model`; resolves once /health says ok. A port
 * found free can be taken by a parallel test file before the stand-in binds it: then it exits at
 * once, and another port is tried.
 */
export async function startStandIn(name: string, model: string, env: Record<string, string> = {}): Promise<RunningStandIn> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(name, model, env);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnFreePort(name: string, model: string, env: Record<string, string>): Promise<RunningStandIn> {
  const port = await pickPort(30_000 + Math.floor(Math.random() * 20_000));
  const child = spawn(process.execPath, [STAND_IN_LLAMA_SERVER, '--port', String(port), '--model', model], {
    env: { ...process.env, STANDIN_NAME: name, ...env },
    stdio: 'ignore',
  });
  running.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (
    !(await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new PortTaken(`stand-in ${name} exited at start (code ${child.exitCode}; port ${port} taken?)`);
    if (Date.now() > deadline) throw new Error(`stand-in ${name} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const list = (await (await fetch(`${baseUrl}/v1/models`)).json()) as { data: Array<{ id: string }> };
  const models = list.data.map((m) => m.id);
  return {
    name,
    port,
    baseUrl,
    child,
    models,
    stats: async () => (await fetch(`${baseUrl}/standin/stats`)).json() as never,
    upstream: (extra = {}) => ({ providerId: name, baseUrl, models, healthy: true, state: 'running', ...extra }),
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
