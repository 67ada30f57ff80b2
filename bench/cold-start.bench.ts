import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, bench, describe } from 'vitest';
import { GATEWAY_DEFAULTS } from '../shared/gateway';
import { ON_DEMAND_DEFAULTS } from '../shared/on-demand';
import { RecipeSchema } from '../shared/recipe';
import { BUILT_IN_DEFAULTS } from '../shared/settings';
import { engine as engineRecipe } from '../main/builtin-recipes/recipes/engine';
import { ensureLayout, pathsFor } from '../main/services/base-dir/paths';
import { GatewayService } from '../main/services/gateway/gateway-service';
import { MergedUpstreams, StaticUpstreams } from '../main/services/gateway/upstreams';
import { LogService } from '../main/services/logs/logs';
import { ModelsService } from '../main/services/models/models';
import { OnDemandLoader } from '../main/services/on-demand/on-demand-loader';
import { pickPort } from '../main/services/os/ports';
import { expandPlaceholders } from '../main/services/supervision/placeholders';
import { Supervisor } from '../main/services/supervision/supervisor';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';

// Load on demand, side by side in one run:
// - a cold request to its first streamed byte for the tiny model, through the gateway that loads it
//   (supervisor start, health, route, forward), vs the strongest simple alternative: start the
//   same engine by hand, poll /health every 25 ms, then send the same request. Same engine, same
//   model, same threads and context.
// - the warm gateway's added latency (p50 through it minus p50 direct to a minimal fast upstream,
//   sequential requests, interleaved rounds) with load on demand on vs off: a model already routed
//   must cost nothing extra, so the ratio should read 1.0×.
// Needs the build (out/main/engine.js): npm run build. COLD_BENCH_ITERATIONS (default 5) and
// WARM_BENCH_REQUESTS (default 3000 per side) size it.
const root = path.resolve(import.meta.dirname, '..');
const ENGINE_ENTRY = path.join(root, 'out', 'main', 'engine.js');
const ITERATIONS = Number(process.env.COLD_BENCH_ITERATIONS ?? 5);
const WARM_REQUESTS = Number(process.env.WARM_BENCH_REQUESTS ?? 3000);
const MODEL = 'tiny.gguf';
const CHAT = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hello world' }], max_tokens: 4, stream: true });

const base = pathsFor(path.join(mkdtempSync(path.join(os.tmpdir(), 'llm-bench-cold-')), 'base'));
await ensureLayout(base);
writeTinyGguf(path.join(base.models, MODEL));
const settings = { ...BUILT_IN_DEFAULTS, startupTimeoutSec: 60, healthIntervalSec: 30, stopGraceSec: 2 };
const logs = new LogService({ dir: base.logs });
const supervisor = new Supervisor({ paths: base, logs, settings: () => settings, expand: expandPlaceholders, engineEntry: ENGINE_ENTRY });
const models = new ModelsService(base.models, () => ({}));
const engine = RecipeSchema.parse(engineRecipe);
const loader = new OnDemandLoader({
  settings: () => ON_DEMAND_DEFAULTS,
  models: () => models.list(),
  runtime: supervisor,
  provider: (id) => (id === 'engine' ? engine : undefined),
  tuning: () => ({ threads: 1, contextSize: 512 }),
});
const coldGateway = new GatewayService({ upstreams: new MergedUpstreams([loader]), onDemand: loader });
const coldUrl = (await coldGateway.apply({ ...GATEWAY_DEFAULTS, port: 0 })).url!;

const samples = new Map<string, number[]>();
const record = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Posts the streaming chat and resolves at its first body byte; the rest is read to the end. */
async function firstByte(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body!.getReader();
  await reader.read();
  const ms = performance.now() - started;
  while (!(await reader.read()).done);
  return ms;
}

async function coldThroughGateway(): Promise<void> {
  if (loader.status().models.some((m) => m.id === MODEL && m.state === 'loaded')) await loader.unload(MODEL);
  record('cold: gateway loads on demand', await firstByte(coldUrl));
}

async function coldByHand(): Promise<void> {
  const port = await pickPort(29800);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [ENGINE_ENTRY, '--port', String(port), '--model', path.join(base.models, MODEL), '--threads', '1', '--ctx-size', '512'],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const healthy = () =>
    fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
  while (!(await healthy())) await new Promise((r) => setTimeout(r, 25));
  const request = performance.now();
  const ms = await firstByte(`http://127.0.0.1:${port}/v1`);
  record('cold: engine by hand, /health polled every 25 ms', request - started + ms);
  child.kill('SIGTERM');
  await exited;
}

// ---- warm: the added latency with load on demand on and off --------------------------------

const upstream = spawn(process.execPath, [path.join(root, 'bench/support/fast-upstream.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
let upstreamPort = 0;
for await (const line of createInterface({ input: upstream.stdout! })) {
  const match = /^ready (\d+)$/.exec(line);
  if (match) {
    upstreamPort = Number(match[1]);
    break;
  }
}
const fast = () =>
  new StaticUpstreams([
    { providerId: 'fast', baseUrl: `http://127.0.0.1:${upstreamPort}`, models: ['bench-model'], healthy: true, state: 'running' },
  ]);
const withOnDemand = new GatewayService({ upstreams: new MergedUpstreams([loader, fast()]), onDemand: loader });
const without = new GatewayService({ upstreams: fast() });
const portOf = async (service: GatewayService) => Number(new URL((await service.apply({ ...GATEWAY_DEFAULTS, port: 0 })).url!).port);
const warmTargets = { direct: upstreamPort, 'load on demand on': await portOf(withOnDemand), 'load on demand off': await portOf(without) };
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const WARM_BODY = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Hello, how are you today?' }] });

function once(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(performance.now() - started));
      },
    );
    req.on('error', reject);
    req.end(WARM_BODY);
  });
}

async function warmRounds(): Promise<void> {
  const rounds = 10;
  for (let round = 0; round < rounds; round++) {
    for (const [name, port] of Object.entries(warmTargets)) {
      for (let i = 0; i < WARM_REQUESTS / rounds; i++) record(`warm: ${name}`, await once(port));
    }
  }
}

afterAll(async () => {
  await Promise.all([coldGateway.close(), withOnDemand.close(), without.close()]);
  loader.close();
  await supervisor.stopAll();
  await logs.close();
  upstream.kill();
  agent.destroy();
  const cold = [...samples].filter(([name]) => name.startsWith('cold'));
  const gatewayCold = median(samples.get('cold: gateway loads on demand') ?? [NaN]);
  const byHand = median(samples.get('cold: engine by hand, /health polled every 25 ms') ?? [NaN]);
  const direct = median(samples.get('warm: direct') ?? [NaN]);
  const on = median(samples.get('warm: load on demand on') ?? [NaN]) - direct;
  const off = median(samples.get('warm: load on demand off') ?? [NaN]) - direct;
  process.stdout.write(
    [
      '',
      `cold request → first streamed byte, tiny model, median of ${ITERATIONS}:`,
      ...cold.map(([name, values]) => `  ${name}: ${median(values).toFixed(0)} ms`),
      `  gateway / by hand: ${(gatewayCold / byHand).toFixed(2)}×`,
      `warm gateway, added p50 latency over direct (${direct.toFixed(3)} ms), ${WARM_REQUESTS} sequential requests each:`,
      `  load on demand on: ${(on * 1000).toFixed(0)} µs`,
      `  load on demand off: ${(off * 1000).toFixed(0)} µs`,
      `  on / off: ${(on / off).toFixed(2)}×`,
      '',
    ].join('\n'),
  );
});

describe('cold request to first byte (tiny model)', () => {
  bench('gateway loads on demand', coldThroughGateway, { iterations: ITERATIONS, time: 0, warmupIterations: 0 });
  bench('engine by hand, /health polled every 25 ms', coldByHand, { iterations: ITERATIONS, time: 0, warmupIterations: 0 });
});

describe('warm gateway added latency', () => {
  bench('interleaved: direct, load on demand on, off', warmRounds, { iterations: 1, time: 0, warmupIterations: 0 });
});
