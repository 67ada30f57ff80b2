import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedCases, generateCases, runFuzz, summary, type FuzzTarget } from '../test/http-fuzz';
import { startEngine, tinyModelsDir, type EngineProcess } from './support/engine-process';
import { freshDirs, startCliHost, writeSettings, type HostDirs, type RunningHost } from './support/host-process';
import { connectClient } from './support/ws-client';

// At least 1,000 malformed raw HTTP requests, seeded, at each listener as users run it: the
// headless host and its gateway (without and with an API key) inside the built `serve`, and the
// built engine with a tiny model. Each request must get a typed answer (a status line in the
// server's shape; a clean close only for bytes that are not HTTP), the process must stay up and
// answer its health check, and the state a client can see must not change.

const CASES = 1000;
const SEED = 20261129;

function report(target: FuzzTarget, result: Awaited<ReturnType<typeof runFuzz>>) {
  console.log(summary(target, result));
  expect(result.failures.slice(0, 20)).toEqual([]);
  expect(result.sent).toBeGreaterThanOrEqual(CASES);
}

/** Random cases and the fixed ones (oversized bodies sent in full, slow headers) side by side. */
async function fuzz(target: FuzzTarget) {
  const [random, fixed] = await Promise.all([runFuzz(target, generateCases(target, CASES, SEED)), runFuzz(target, fixedCases(target), 5)]);
  const merged = {
    ...random,
    sent: random.sent + fixed.sent,
    closed: random.closed + fixed.closed,
    reset: random.reset + fixed.reset,
    failures: [...random.failures, ...fixed.failures],
  };
  for (const [status, n] of Object.entries(fixed.statuses)) merged.statuses[status] = (merged.statuses[status] ?? 0) + n;
  return merged;
}

describe('fuzz: the headless host and its gateway (node out/main/cli.js serve)', () => {
  let dirs: HostDirs;
  let host: RunningHost;
  let gatewayPort: number;

  beforeAll(async () => {
    dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 } });
    host = await startCliHost(dirs);
    const deadline = Date.now() + 10_000;
    while (!/gateway: http:\/\/127\.0\.0\.1:\d+/.test(host.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    gatewayPort = Number(/gateway: http:\/\/127\.0\.0\.1:(\d+)/.exec(host.output())?.[1]);
    expect(gatewayPort).toBeGreaterThan(0);
  });
  afterAll(async () => {
    expect(await host?.stop()).toBe(0);
  });

  /** What a client can see of the host's state: settings (and the file), our providers, the gateway. */
  async function state() {
    const { client, close } = await connectClient(host.origin, host.token);
    try {
      const settings = await client.invoke('settings.get');
      const providers = await client.invoke('providers.list');
      const gateway = await client.invoke('gateway.status');
      return {
        settings: settings.values,
        file: await readFile(path.join(dirs.baseDir, 'config', 'settings.json'), 'utf8'),
        providers: providers.providers.filter((p) => p.state.status !== 'external').map((p) => ({ id: p.id, status: p.state.status })),
        gateway: { ...gateway, routes: undefined },
      };
    } finally {
      close();
    }
  }

  async function alive() {
    expect(host.process.exitCode).toBeNull();
    expect(host.process.signalCode).toBeNull();
    expect((await fetch(`${host.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${gatewayPort}/health`)).status).toBe(200);
    // The guard logs every handler throw it caught: there should be none to catch.
    expect(host.output()).not.toContain('HTTP handler failed');
  }

  it('the headless host: every request answered, the host up, nothing changed', async () => {
    const before = await state();
    const target: FuzzTarget = {
      name: 'headless host',
      port: Number(new URL(host.origin).port),
      shape: 'text',
      paths: ['/', '/healthz', '/index.html', '/ws', '/assets/none.js', '/?token=x'],
      credential: `Bearer ${host.token}`,
      cookieName: `llm_token_${new URL(host.origin).port}`,
      maxBodyBytes: 0,
    };
    report(target, await fuzz(target));
    await alive();
    expect(await state()).toEqual(before);
  });

  const gatewayPaths = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models', '/v1/models/m', '/health', '/'];

  it('the gateway without a key: every request answered in OpenAI’s shape, the host up, nothing changed', async () => {
    const before = await state();
    const target: FuzzTarget = {
      name: 'gateway (no key)',
      port: gatewayPort,
      shape: 'openai',
      paths: gatewayPaths,
      maxBodyBytes: 32 * 1024 * 1024,
    };
    report(target, await fuzz(target));
    await alive();
    expect(await state()).toEqual(before);
  });

  it('the gateway with a key: every request answered in OpenAI’s shape, the host up, nothing changed', async () => {
    const { client, close } = await connectClient(host.origin, host.token);
    const keyed = await client.invoke('gateway.update', { generateKey: true });
    close();
    expect(keyed.apiKey).toBeTruthy();
    const before = await state();
    const target: FuzzTarget = {
      name: 'gateway (with key)',
      port: gatewayPort,
      shape: 'openai',
      paths: gatewayPaths,
      credential: `Bearer ${keyed.apiKey}`,
      maxBodyBytes: 32 * 1024 * 1024,
    };
    report(target, await fuzz(target));
    await alive();
    expect(await state()).toEqual(before);
  });
});

describe('fuzz: the built-in engine (node out/main/engine.js, tiny model)', () => {
  let engine: EngineProcess;
  beforeAll(async () => {
    const { dir } = await tinyModelsDir();
    engine = await startEngine(['--models-dir', dir, '--ctx-size', '256']);
  });
  afterAll(async () => {
    engine?.child.kill('SIGTERM');
    await engine?.exited;
  });

  it('every request answered in OpenAI’s shape, the engine up, its models and props unchanged', async () => {
    const visible = async () => ({
      models: await (await fetch(`${engine.baseUrl}/v1/models`)).json(),
      props: await (await fetch(`${engine.baseUrl}/props`)).json(),
    });
    const before = await visible();
    const target: FuzzTarget = {
      name: 'engine',
      port: Number(new URL(engine.baseUrl).port),
      shape: 'openai',
      paths: ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models', '/health', '/props', '/tokenize', '/detokenize'],
      maxBodyBytes: 8 * 1024 * 1024,
    };
    report(target, await fuzz(target));
    expect(engine.child.exitCode).toBeNull();
    expect((await fetch(`${engine.baseUrl}/health`)).status).toBe(200);
    expect(await visible()).toEqual(before);
    expect(engine.output()).not.toContain('HTTP handler failed');
  });
});
