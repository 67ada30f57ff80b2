import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { afterAll, bench, describe } from 'vitest';
import { pickPort } from '../main/services/os/ports';

// The gateway's cost, side by side in one run: requests/s and p50/p99 latency straight to a
// minimal fast upstream, through our gateway, through a plain http-proxy (the naive baseline) and
// through the Portkey gateway; non-streaming and streaming, at full load and at a fixed 1,000
// requests/s; and the time to the first streamed byte. The load generator (in this process) runs
// on CPU 0 and every server on CPU 1 (taskset). Full load is autocannon (closed loop, 64
// connections); latencies come from its per-response times (fractions of a ms), not its whole-ms
// histogram. The fixed rate is an open-loop pacer of our own: autocannon's `overallRate` sends
// each second's quota as one burst and then waits, which measures queueing, not added latency.
// Our gateway runs bundled, as the app ships it: under tsx, the loader's own work on the same
// pinned core adds tens of milliseconds to p99. GATEWAY_BENCH_SECONDS sets each run's length
// (default 5).
const root = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.GATEWAY_BENCH_SECONDS ?? 5);
const CONNECTIONS = 64;
const TTFB_REQUESTS = 300;

execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const children: ChildProcess[] = [];

/** Starts a server pinned to CPU 1 and resolves with the port it prints as "ready <port>". */
async function startPinned(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const child = spawn('taskset', ['-c', '1', process.execPath, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^ready (\d+)$/.exec(line);
    if (match) return Number(match[1]);
  }
  throw new Error(`${args.join(' ')} exited before it was ready`);
}

/** Portkey prints a spinner rather than a port line: poll its root until it says hey. */
async function startPortkey(): Promise<number | undefined> {
  const port = await pickPort(8787);
  const child = spawn(
    'taskset',
    [
      '-c',
      '1',
      process.execPath,
      path.join(root, 'node_modules/@portkey-ai/gateway/build/start-server.js'),
      '--headless',
      `--port=${port}`,
    ],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  children.push(child);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (
      await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

const upstreamPort = await startPinned([path.join(root, 'bench/support/fast-upstream.mjs')]);
const upstream = `http://127.0.0.1:${upstreamPort}`;
// Inside node_modules so that its bare imports (undici, zod) resolve as the app's do.
const bundle = path.join(root, 'node_modules/.cache/gateway-bench/gateway.mjs');
await build({
  entryPoints: [path.join(root, 'bench/support/gateway-process.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: bundle,
  logLevel: 'error',
});
const oursPort = await startPinned([bundle, upstream]);
const naivePort = await startPinned([path.join(root, 'bench/support/naive-proxy.mjs'), upstream]);
const portkeyPort = await startPortkey();

interface Target {
  name: string;
  port: number;
  headers: Record<string, string>;
}
const TARGETS: Target[] = [
  { name: 'direct', port: upstreamPort, headers: {} },
  { name: 'our gateway', port: oursPort, headers: {} },
  { name: 'http-proxy (naive)', port: naivePort, headers: {} },
  ...(portkeyPort
    ? [
        {
          name: 'Portkey',
          port: portkeyPort,
          headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1`, authorization: 'Bearer bench' },
        },
      ]
    : []),
];

const body = (stream: boolean) =>
  JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Hello, how are you today?' }], stream });

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
const results = new Map<string, Map<string, Measured>>();
const record = (scenario: string, target: string, measured: Measured) => {
  if (!results.has(scenario)) results.set(scenario, new Map());
  results.get(scenario)!.set(target, measured);
};

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function load(target: Target, stream: boolean, seconds: number): Promise<Measured> {
  const times: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${target.port}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: body(stream),
        connections: CONNECTIONS,
        duration: seconds,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status === 200) times.push(responseTime);
      else errors++;
    });
  });
  const sorted = Float64Array.from(times).sort();
  return {
    rps: (times.length + errors) / (result.duration || seconds),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: errors + result.errors,
  };
}

/**
 * Requests evenly spaced at `rate` per second whatever the answers do (open loop), over kept-alive
 * connections. Latency counts from the moment each request is sent: the pacer's own timer
 * slack (up to a millisecond) is the same for every target and would only blur the comparison.
 */
async function paced(target: Target, stream: boolean, rate: number, seconds: number): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const payload = body(stream);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...target.headers };
  // The first second warms the pacer's own connections and is not counted.
  const warmup = rate;
  const total = rate * seconds + warmup;
  const interval = 1000 / rate;
  const times: number[] = [];
  let errors = 0;
  let sent = 0;
  let settled = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const fire = (index: number) => {
      let sentAt = 0;
      const req = http.request(
        { agent, host: '127.0.0.1', port: target.port, method: 'POST', path: '/v1/chat/completions', headers },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (index >= warmup) {
              if (res.statusCode === 200) times.push(performance.now() - sentAt);
              else errors++;
            }
            if (++settled === total) resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        if (++settled === total) resolve();
      });
      req.end(payload);
      sentAt = performance.now();
    };
    const timer = setInterval(() => {
      const now = performance.now();
      while (sent < total && started + sent * interval <= now) {
        fire(sent++);
      }
      if (sent === total) clearInterval(timer);
    }, 0);
  });
  agent.destroy();
  const sorted = Float64Array.from(times).sort();
  return {
    rps: (times.length + errors) / ((performance.now() - started) / 1000 - 1),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors,
  };
}

/** Sequential streamed requests on one kept-alive connection: time to the first body byte. */
async function firstByte(target: Target): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const payload = body(true);
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < TTFB_REQUESTS + 30; i++) {
    const ms = await new Promise<number>((resolve) => {
      const started = performance.now();
      const req = http.request(
        {
          agent,
          host: '127.0.0.1',
          port: target.port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...target.headers },
        },
        (res) => {
          let first = -1;
          res.on('data', () => {
            if (first < 0) first = performance.now() - started;
          });
          res.on('end', () => resolve(res.statusCode === 200 ? first : -1));
        },
      );
      req.on('error', () => resolve(-1));
      req.end(payload);
    });
    if (ms < 0) errors++;
    else if (i >= 30) times.push(ms);
  }
  agent.destroy();
  const sorted = Float64Array.from(times).sort();
  return { rps: NaN, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), errors };
}

const SCENARIOS = [
  { name: 'non-streaming, full load', run: (t: Target) => load(t, false, SECONDS), throughput: true },
  { name: 'streaming, full load', run: (t: Target) => load(t, true, SECONDS), throughput: true },
  { name: 'non-streaming, 1,000 req/s', run: (t: Target) => paced(t, false, 1000, SECONDS), throughput: false },
  { name: 'streaming, 1,000 req/s', run: (t: Target) => paced(t, true, 1000, SECONDS), throughput: false },
  { name: 'time to first streamed byte (sequential)', run: firstByte, throughput: false },
];

// Warm every path (JIT, connection pools) before anything is measured.
for (const target of TARGETS) {
  await load(target, false, 1);
  await load(target, true, 1);
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '—' : `${ms.toFixed(2)} ms`);
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  const lines: string[] = [
    '',
    `gateway benchmark (load on CPU 0, servers on CPU 1; ${SECONDS} s per run, ${CONNECTIONS} connections at full load):`,
  ];
  if (!portkeyPort) lines.push('  Portkey did not start here, so it is left out.');
  for (const [scenario, byTarget] of results) {
    const direct = byTarget.get('direct');
    const naive = byTarget.get('http-proxy (naive)');
    const throughput = SCENARIOS.find((s) => s.name === scenario)?.throughput;
    lines.push(`  ${scenario}:`);
    for (const [name, m] of byTarget) {
      const parts = [
        ...(Number.isNaN(m.rps) ? [] : [`${Math.round(m.rps)} req/s`]),
        `p50 ${fmt(m.p50)}`,
        `p99 ${fmt(m.p99)}`,
        ...(throughput && direct && name !== 'direct' ? [`${(m.rps / direct.rps).toFixed(2)}× direct`] : []),
        ...(throughput && naive && name !== 'http-proxy (naive)' && name !== 'direct' ? [`${(m.rps / naive.rps).toFixed(2)}× naive`] : []),
        ...(direct && name !== 'direct' ? [`added p50 ${signed(m.p50 - direct.p50)}, p99 ${signed(m.p99 - direct.p99)}`] : []),
        ...(m.errors ? [`${m.errors} errors`] : []),
      ];
      lines.push(`    ${name.padEnd(20)} ${parts.join(', ')}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
});

for (const scenario of SCENARIOS) {
  describe(scenario.name, () => {
    for (const target of TARGETS) {
      bench(target.name, async () => record(scenario.name, target.name, await scenario.run(target)), {
        iterations: 1,
        time: 0,
        warmupIterations: 0,
        warmupTime: 0,
      });
    }
  });
}
