import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { afterAll, bench, describe } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { profileDirFrom, startGatewayHost } from './support/gateway-host';

// The gateway's cost as users run it, side by side in one run. Our gateway runs inside the host
// that `npm run serve` starts (out/main/cli.js serve: discovery, health checks, resource sampling
// and the UI's server all running), with the upstream added as a saved endpoint over the contract
// (discovery.addEndpoint), as a user adds a server. Beside it: the upstream directly; http-proxy
// with a keep-alive agent (the fair naive baseline); and the Portkey gateway. (http-proxy with its
// defaults, a new upstream connection per request, is left out: at full load its sockets in
// TIME_WAIT spoil the runs after it.) The upstream is a minimal OpenAI-shaped server
// (support/fast-upstream.mjs), so what is measured is the path in front of it.
//
// The load generator (this process) runs on CPU 0; the upstream and every proxy on CPU 1
// (taskset), so a proxy's work competes with the upstream's as it would on a busy machine.
// Full load: autocannon, 10 connections (closed loop); latencies from its per-response times
// (fractions of a ms). 1,000 req/s: an open-loop pacer of our own (autocannon's `overallRate`
// sends each second's quota as one burst), in a process of its own (support/pacer.mjs); direct is
// measured again at the end of each round, and the two directs' gap, this run's noise floor, is
// printed beside the target. Time to first byte: sequential streamed requests on
// one kept-alive connection. "CPU/req" is the proxy process's own user+system CPU time per
// request at full load (from /proc): steadier than req/s on a shared machine. While a target is
// measured, the other proxies are stopped (SIGSTOP), so only its own work shares CPU 1 with the
// upstream. Each number is the median of ROUNDS interleaved rounds.
//
// Run: npx vitest bench --run --project unit bench/gateway.bench.ts (builds the app if stale).
// GATEWAY_BENCH_SECONDS sets each run's length (default 3), GATEWAY_BENCH_ROUNDS the rounds
// (default 3). GATEWAY_BENCH_PROFILE=1 (or a folder) makes the host write a V8 CPU profile when it
// stops. Speed is never asserted: issue 13's targets are printed as met or not.
//
// Latest (2026-11-29, this 2-core VM, which is shared: direct itself moves 2x between runs and
// CPU/req inflates when neighbours are busy, so compare within a run). Ours vs the keep-alive
// proxy at full load, req/s ratio (CPU/req ours vs proxy):
//   the host as it was:             non-streaming 0.63x (137 vs 100 us), streaming 1.01x (177 vs 171 us)
//   + no PassThrough, one write per read, async /proc walk:  1.14x (93 vs 110 us), 1.64x (104 vs 187 us)
//   + the gateway's own upstream client (upstream-pool.ts, instead of undici):
//                                   1.91x (67 vs 138 us), 1.51x (82 vs 139 us)
//   that run: full-load p99 below the proxy's both ways (2.8 vs 3.8 ms, 4.2 vs 4.7 ms); at 1,000
//   req/s +0.20 / +0.33 ms p50 and +1.26 / +1.10 ms p99 over direct (targets +0.3 / +1 ms: p50 met
//   non-streaming only, p99 missed by ~0.2 ms, at the level of this VM's scheduling noise, where
//   direct's own p99 moves 0.8-6.6 ms between runs); first streamed byte +0.30 ms (met).
//   + discovery's probes over node:http, four at a time per local server, and ss's answer kept
//     while the same sockets listen (a profile at 1,000 req/s had the slowest requests behind a
//     scan; the host's work other than the gateway is now under 1.5 % of its busy time):
//                                   1.55x (53 vs 95 us), 1.84x (49 vs 111 us)
//   that run: full-load p99 2.3 vs 3.2 ms and 2.2 vs 3.3 ms (met); at 1,000 req/s +0.17 / +0.31 ms
//   p50 and +1.26 / +1.54 ms p99 over direct, where the keep-alive proxy adds +0.27 / +0.48 and
//   +1.39 / +2.01 ms: the tail left is a second process on the upstream's core being scheduled
//   on a VM that gave two busy processes one core's worth that day; first streamed byte +0.10 ms.
//   + this bench's method: the pacer in a process of its own, the other proxies stopped while a
//     target runs (a perf sched trace of CPU 1 caught the idle http-proxy running 10 ms straight in
//     our turn), direct measured twice. The proxy's numbers improve most (it no longer shares CPU 1
//     with the idle host's checks), so its ratios are the stricter ones. Four runs the same evening:
//                                   1.42-1.57x (70-88 vs 109-130 us), 1.58-1.90x (74-100 vs 161-191 us)
//   full-load p99 met in one of four runs non-streaming, three of four streaming; at 1,000 req/s
//   p50 +0.19 to +0.28 / +0.25 to +0.28 ms (met in all four), p99 +0.29 to +7.6 ms
//   beside a noise floor (direct against itself) of -11 to +0.43 ms: met non-streaming in two of
//   four runs, never streaming (+1.3 to +2.4 ms); first streamed byte +0.13 to +0.28 ms.
//   One run before the wait-deadline fix had 3,000 errors in one of our rounds, most likely the
//   host stopped in the middle of a discovery scan and dropping the endpoint until the next one
//   (the mechanism is reproduced in discovery.test.ts; that run did not yet print what errors were).
//   2026-11-30, two runs on a busier VM (direct's own p99 at 1,000 req/s 2.2-13 ms): 1.43x and
//   1.72x non-streaming (82-83 vs 124-153 us), 1.60x and 1.72x streaming (80-85 vs 159-171 us);
//   full-load p99 no worse than the proxy's in one comparison of four; at 1,000 req/s p50 +0.14 to
//   +0.36 ms, p99 -0.37 to +16.9 ms beside a noise floor (direct against itself) of -4.2 to
//   +1.2 ms; first streamed byte +0.20 ms in both.
//   2026-11-30 (morning, a quieter VM, one run): 1.79x non-streaming (63 vs 122 us), 1.59x streaming
//   (77 vs 148 us); full-load p99 3.06 vs 3.95 ms (met) and 4.41 vs 4.32 ms (missed by 0.09 ms); at
//   1,000 req/s +0.25 / +0.31 ms p50 and +1.00 / +0.75 ms p99 beside a noise floor of +0.80 /
//   +1.02 ms p99 (direct against itself), so p50 streaming missed by 0.01 ms and p99 non-streaming
//   sits on the limit; first streamed byte +0.19 ms. A GC trace of the host at full load: 40-84
//   scavenges in 5 s, 55-60 ms in all (about 1 % of the time), longest 1.2-2.7 ms; a larger young
//   generation (--max-semi-space-size=32) halves their number but not their total, and gave no
//   more req/s. strace of sequential requests: 7.3 syscalls a request in the host vs 7.1 in
//   http-proxy (one more epoll_wait in two requests of three), so what is left is scheduling.
//   Again an hour later, the machine otherwise idle: six of the seven met: 1.57x and 1.87x; full-load p99
//   3.13 vs 3.78 ms and 14.7 vs 21.8 ms; at 1,000 req/s +0.26 / +0.27 ms p50 and +0.66 ms p99
//   non-streaming; streaming p99 +1.53 ms, beside direct against itself at +3.00 ms; first byte met.
//   2026-11-30 (a later session, four runs): 5 rounds, six of seven met (1.98x / 1.72x; streaming
//   p99 at 1,000 req/s +1.43 ms the miss). A trace of the host at 1,000 req/s streaming (CPU
//   profile + per-request send times) put the slow requests in stretches where the host was not
//   scheduled at all (12 ms spans holding 1.4 ms of samples), and direct has the same stretches;
//   at that rate every process here costs 4-5x its full-load CPU per request (upstream 195 us,
//   http-proxy 425 us, our host 305 us: wake-ups on a VM), so the tail is the VM's. After this
//   session's gateway changes (CORS, the >64 KiB body fix), 5 rounds: five of seven met (the
//   non-streaming full-load ratio 1.35x at 78 vs 112 us was the miss, with streaming at 1,000
//   req/s +0.24 / -1.17 ms met); then side by side with the commit before them, 3 rounds each:
//   before 59 / 90 us a request (non-streaming / streaming), after 63 / 62 us; each run met five
//   of seven, the misses moving between the p99 targets. No single run has met all seven.
//   2026-11-30 (another session; no gateway code changed in it), three runs of 5 rounds: 3, 3 and 5
//   of seven. The first two had other work on the machine (a typecheck; a build) or a busy VM:
//   1.42x / 1.23x and 1.32x / 1.90x at 76-86 vs 123-183 us a request. The third, the machine
//   otherwise idle: 1.51x / 1.78x (81 vs 132 us, 81 vs 165 us), full-load p99 3.14 vs 4.21 ms and
//   3.91 vs 6.35 ms, first streamed byte +0.21 ms, all met; at 1,000 req/s +0.34 / +0.28 ms p50
//   (non-streaming missed by 0.04 ms) and -1.04 / +2.69 ms p99 (streaming missed) beside direct
//   against itself at -3.77 / +0.19 ms. A CPU profile of the host at full load: 38 % of its busy
//   time in the kernel's socket writes (writev, writeBuffer: the syscalls themselves), the rest
//   spread thin over node:http; nothing of ours stands out.
//   2026-11-30 (afternoon, a session that changed no gateway code; the machine idle but the VM
//   slow: direct served 15k req/s, a fifth of other days), one run of 5 rounds: three of seven
//   met (streaming 1.68x and its full-load p99, first byte +0.20 ms); non-streaming 1.35x (175 vs
//   282 us a request) with p99 8.5 vs 7.6 ms; at 1,000 req/s +0.33 / +0.29 ms p50 and +0.98 /
//   +2.10 ms p99, where the keep-alive proxy added +0.46 / +0.51 and +1.63 / +2.63 ms.
//   2026-11-30 (evening session, no gateway code changed; the VM slow again: direct 15.8k-17.3k
//   req/s), three runs of 5 rounds: 5, 3 and 5 of seven. Full load 1.64x / 1.52x, 1.23x / 1.80x,
//   1.54x / 1.96x (130-175 vs 227-256 us a request non-streaming); full-load p99 met in five of six
//   comparisons; first streamed byte +0.14 to +0.26 ms (met). The miss common to all three: p50 at
//   1,000 req/s, +0.44 to +0.47 ms non-streaming and +0.29 to +0.39 ms streaming (the proxy adds
//   +0.49 to +0.71 ms), where quieter days gave +0.19 to +0.28 ms: the host's own time per request,
//   which a VM this slow stretches. strace of paced requests: read, write, read, writev and the
//   epoll_wait between, nothing more; once a second the resource sampler's reads of /proc (about
//   0.2 ms on the loop, its file reads completing on the thread pool) run in the gateway's time.
//   2026-11-30 (a later session, no gateway code changed; direct 16.2k-17.6k req/s), two runs of 5
//   rounds: 4 and 3 of seven. Full load 1.49x / 1.69x and 1.25x / 1.75x (135-183 vs 235-257 us a
//   request non-streaming), full-load p99 met in three of four; first streamed byte +0.22 / +0.17
//   ms; at 1,000 req/s p50 +0.39 to +0.41 ms both ways (the keep-alive proxy +0.45 to +0.67), p99
//   +1.15 to +2.80 ms: the same miss as the session before, on as slow a VM.
//   2026-12-01 (no gateway code changed; direct 13.4k-15.3k req/s, the slowest VM yet), two runs
//   of 5 rounds: 3 and 4 of seven. Full load 1.12x / 1.65x and 1.37x / 1.84x (181-213 vs 268-293
//   us a request non-streaming); full-load p99 met in three of four; first streamed byte +0.22 /
//   +0.26 ms; at 1,000 req/s p50 +0.49 to +0.63 ms (the keep-alive proxy +0.49 to +1.00), p99
//   +0.70 to +5.68 ms (the proxy +2.20 to +6.99) beside direct against itself at -0.47 to -1.82 ms.
//   A CPU profile of the host at full load: 26 % of its busy time in the socket-write syscalls
//   (writev, writeBuffer), our own code 10 % in all, no function of ours above 1.5 %.
//   2026-12-01 (a later session, no gateway code changed), two runs of 5 rounds: 4 and 4 of seven,
//   on a slow VM (direct 12.0k-15.9k req/s) and then a faster one (17.3k-28.0k). Full load 1.36x /
//   1.79x and 1.35x / 1.65x (179 vs 262 us and 138 vs 192 us a request non-streaming; streaming 163
//   vs 345 and 131 vs 253 us); full-load p99 met streaming in both, missed non-streaming in both
//   (9.31 vs 7.00 ms, 6.06 vs 4.15 ms); at 1,000 req/s streaming met in both (+0.24 / +0.52 ms and
//   +0.24 / +0.76 ms), non-streaming missed (+0.56 / +3.58 ms, +0.38 / +3.24 ms, where the proxy
//   added +0.63 / +5.10 and +0.39 / +0.49 ms); first streamed byte +0.29 / +0.12 ms. Non-streaming
//   is the weaker side on both days: our CPU per request is the same both ways while the proxy's
//   streaming costs it a third more. A profile of the host under non-streaming full load: 30 % of
//   its busy time in writeBuffer and writev (the upstream request and the client's answer, one
//   write each), the response parser's readHead 2 %, nothing else of ours above 1 %.
//   2026-12-01 (a later session, no gateway code changed; a fast, quiet VM: direct 52k-56k req/s,
//   the machine otherwise idle), two runs of 5 rounds, the second from a fresh clone: seven of
//   seven met in both. Full load 1.84x / 1.95x and 1.78x / 2.05x (55 vs 112 us and 54 vs 107 us a
//   request non-streaming; streaming 62 vs 143 and 57 vs 135 us); full-load p99 2.13 vs 3.31 ms,
//   2.74 vs 3.93 ms, 2.01 vs 2.70 ms, 2.08 vs 3.18 ms; at 1,000 req/s +0.18 / +0.80 ms and +0.17 /
//   +0.51 ms non-streaming, +0.14 / -0.08 ms and +0.12 / -0.60 ms streaming (p50 / p99 over direct;
//   direct against itself within 0.01 ms p50 and -0.19 to -0.73 ms p99); first streamed byte +0.12
//   and +0.10 ms. The same code missed one to three targets on the slow VMs above (direct 12k-28k
//   req/s): what moves between days is the VM, and the non-streaming targets are the first to go.

const root = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.GATEWAY_BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.GATEWAY_BENCH_ROUNDS ?? 3);
const CONNECTIONS = 10;
const RATE = 1000;
const TTFB_REQUESTS = 300;
const MODEL = 'bench-model';

// As `npm run serve` does: build first when a source is newer than out/ (plain JS, no types).
const buildScript: string = '../scripts/lib/build.mjs';
((await import(buildScript)) as { ensureBuilt(): void }).ensureBuilt();
execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const children: ChildProcess[] = [];

/** Starts a server pinned to CPU 1 and resolves with the port it prints as "ready <port>". */
async function startPinned(args: string[]): Promise<{ port: number; pid: number }> {
  const child = spawn('taskset', ['-c', '1', process.execPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^ready (\d+)$/.exec(line);
    if (match) return { port: Number(match[1]), pid: child.pid! };
  }
  throw new Error(`${args.join(' ')} exited before it was ready`);
}

/** Portkey prints a spinner rather than a port line: poll its root until it says hey. */
async function startPortkey(): Promise<{ port: number; pid: number } | undefined> {
  const port = await pickPort(8787);
  const entry = path.join(root, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const child = spawn('taskset', ['-c', '1', process.execPath, entry, '--headless', `--port=${port}`], { cwd: root, stdio: 'ignore' });
  children.push(child);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { port, pid: child.pid! };
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

const upstream = await startPinned([path.join(root, 'bench/support/fast-upstream.mjs')]);
const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
const profileDir = await profileDirFrom(process.env.GATEWAY_BENCH_PROFILE);
const host = await startGatewayHost({ upstream: `127.0.0.1:${upstream.port}`, model: MODEL, cpu: '1', profileDir });
const keepAliveProxy = await startPinned([path.join(root, 'bench/support/naive-proxy.mjs'), upstreamUrl]);
const portkey = await startPortkey();

interface Target {
  name: string;
  port: number;
  pid: number;
  headers: Record<string, string>;
}
const DIRECT = 'direct';
/** Direct measured again at the end of each round: how far the two come apart is the run's noise floor. */
const DIRECT_AGAIN = 'direct, again';
const OURS = 'our gateway, in the host';
const KEEP_ALIVE = 'http-proxy, keep-alive';
const TARGETS: Target[] = [
  { name: DIRECT, ...upstream, headers: {} },
  { name: OURS, port: host.port, pid: host.pid, headers: {} },
  { name: KEEP_ALIVE, ...keepAliveProxy, headers: {} },
  ...(portkey
    ? [
        {
          name: 'Portkey 1.15.2',
          ...portkey,
          headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamUrl}/v1`, authorization: 'Bearer bench' },
        },
      ]
    : []),
];

const body = (stream: boolean) =>
  JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello, how are you today?' }], stream });

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** What the errors were ("HTTP 503: …", "ECONNRESET"), with counts: an error is never just a number. */
  failures: Map<string, number>;
  /** The target's own CPU time (user + system) per request, in µs. */
  cpuUs?: number;
}
/** Every round's measurement, by scenario and target; the table shows each metric's median. */
const rounds = new Map<string, Map<string, Measured[]>>();
const record = (scenario: string, target: string, measured: Measured) => {
  if (!rounds.has(scenario)) rounds.set(scenario, new Map());
  const byTarget = rounds.get(scenario)!;
  byTarget.set(target, [...(byTarget.get(target) ?? []), measured]);
};
const median = (values: number[]): number => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};
function medians(): Map<string, Map<string, Measured>> {
  const out = new Map<string, Map<string, Measured>>();
  for (const [scenario, byTarget] of rounds) {
    const row = new Map<string, Measured>();
    for (const [target, list] of byTarget) {
      row.set(target, {
        rps: median(list.map((m) => m.rps)),
        p50: median(list.map((m) => m.p50)),
        p99: median(list.map((m) => m.p99)),
        failures: list.reduce((all, m) => addFailures(all, m.failures), new Map<string, number>()),
        cpuUs: median(list.map((m) => m.cpuUs ?? NaN)),
      });
    }
    out.set(scenario, row);
  }
  return out;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function addFailures(into: Map<string, number>, from: Iterable<[string, number]>): Map<string, number> {
  for (const [reason, count] of from) into.set(reason, (into.get(reason) ?? 0) + count);
  return into;
}

const errorCount = (failures: Map<string, number>) => [...failures.values()].reduce((sum, count) => sum + count, 0);

/** utime + stime of a process, in seconds (USER_HZ is 100 on Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(target: Target, stream: boolean, seconds: number): Promise<Measured> {
  const times: number[] = [];
  const failures = new Map<string, number>();
  const cpuBefore = cpuSeconds(target.pid);
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
      else addFailures(failures, [[`HTTP ${status}`, 1]]);
    });
  });
  if (result.errors)
    addFailures(failures, [[`${result.errors - result.timeouts} socket errors, ${result.timeouts} timeouts`, result.errors]]);
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  const sorted = Float64Array.from(times).sort();
  return {
    rps: (times.length + errorCount(failures)) / (result.duration || seconds),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    failures,
    cpuUs: times.length ? (cpu * 1e6) / times.length : NaN,
  };
}

/**
 * Requests evenly spaced at `rate` per second whatever the answers do (open loop), over kept-alive
 * connections, timed from the moment each is sent, by a lean process of its own (support/pacer.mjs,
 * on this process's CPU): this process's own pauses would land in every target's tail.
 */
async function paced(target: Target, stream: boolean, rate: number, seconds: number): Promise<Measured> {
  const options = { port: target.port, headers: target.headers, body: body(stream), rate, seconds };
  const child = spawn(process.execPath, [path.join(root, 'bench/support/pacer.mjs'), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!) output += String(chunk);
  const result = JSON.parse(output) as {
    ok: number;
    failures: Array<[string, number]>;
    seconds: number;
    p50: number | null;
    p99: number | null;
  };
  const failures = new Map(result.failures);
  return { rps: (result.ok + errorCount(failures)) / result.seconds, p50: result.p50 ?? NaN, p99: result.p99 ?? NaN, failures };
}

/** Sequential streamed requests on one kept-alive connection: time to the first body byte. */
async function firstByte(target: Target): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const payload = body(true);
  const times: number[] = [];
  const failures = new Map<string, number>();
  for (let i = 0; i < TTFB_REQUESTS + 30; i++) {
    const ms = await new Promise<number>((resolve) => {
      const failed = (reason: string) => {
        addFailures(failures, [[reason, 1]]);
        resolve(-1);
      };
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
          res.on('end', () => (res.statusCode === 200 ? resolve(first) : failed(`HTTP ${res.statusCode}`)));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? error.message));
      req.end(payload);
    });
    if (ms >= 0 && i >= 30) times.push(ms);
  }
  agent.destroy();
  const sorted = Float64Array.from(times).sort();
  return { rps: NaN, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), failures };
}

const FULL_JSON = 'non-streaming, full load';
const FULL_STREAM = 'streaming, full load';
const PACED_JSON = `non-streaming, ${RATE.toLocaleString('en')} req/s`;
const PACED_STREAM = `streaming, ${RATE.toLocaleString('en')} req/s`;
const TTFB = 'time to first streamed byte (sequential)';
const SCENARIOS = [
  { name: FULL_JSON, run: (t: Target) => load(t, false, SECONDS), throughput: true },
  { name: FULL_STREAM, run: (t: Target) => load(t, true, SECONDS), throughput: true },
  { name: PACED_JSON, run: (t: Target) => paced(t, false, RATE, SECONDS), throughput: false },
  { name: PACED_STREAM, run: (t: Target) => paced(t, true, RATE, SECONDS), throughput: false },
  { name: TTFB, run: firstByte, throughput: false },
];

// Warm every path (JIT, connection pools) before anything is measured.
for (const target of TARGETS) {
  await load(target, false, 1);
  await load(target, true, 1);
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '—' : `${ms.toFixed(2)} ms`);
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;

/** Issue 13's targets, each as met or not, from this run's numbers. */
function targetLines(results: Map<string, Map<string, Measured>>): string[] {
  const get = (scenario: string, target: string) => results.get(scenario)?.get(target);
  const lines: string[] = [];
  const check = (what: string, ok: boolean | undefined, detail: string) =>
    lines.push(`  ${ok === undefined ? '?' : ok ? 'met    ' : 'NOT met'}  ${what}: ${detail}`);
  for (const scenario of [FULL_JSON, FULL_STREAM]) {
    const ours = get(scenario, OURS);
    const proxy = get(scenario, KEEP_ALIVE);
    if (!ours || !proxy) continue;
    const ratio = ours.rps / proxy.rps;
    check(`${scenario}: ≥ 1.5× the keep-alive proxy's req/s`, ratio >= 1.5, `${ratio.toFixed(2)}×`);
    check(`${scenario}: p99 no worse than the proxy's`, ours.p99 <= proxy.p99, `${fmt(ours.p99)} vs ${fmt(proxy.p99)}`);
  }
  for (const scenario of [PACED_JSON, PACED_STREAM]) {
    const ours = get(scenario, OURS);
    const direct = get(scenario, DIRECT);
    if (!ours || !direct) continue;
    const p50 = ours.p50 - direct.p50;
    const p99 = ours.p99 - direct.p99;
    const again = get(scenario, DIRECT_AGAIN);
    const floor = again ? ` (direct against itself: ${signed(again.p50 - direct.p50)} p50, ${signed(again.p99 - direct.p99)} p99)` : '';
    check(
      `${scenario}: ≤ +0.3 ms p50 and ≤ +1 ms p99 over direct`,
      p50 <= 0.3 && p99 <= 1,
      `${signed(p50)} p50, ${signed(p99)} p99${floor}`,
    );
  }
  const ours = get(TTFB, OURS);
  const direct = get(TTFB, DIRECT);
  if (ours && direct)
    check('first streamed byte within 0.5 ms of direct (p50)', ours.p50 - direct.p50 <= 0.5, signed(ours.p50 - direct.p50));
  return lines;
}

afterAll(async () => {
  await host.stop();
  for (const child of children) child.kill('SIGKILL');
  const results = medians();
  const lines: string[] = [
    '',
    `gateway benchmark (load on CPU 0, upstream and proxies on CPU 1; ${CONNECTIONS} connections at full load; medians of ${ROUNDS} interleaved rounds of ${SECONDS} s):`,
  ];
  if (!portkey) lines.push('  Portkey did not start here, so it is left out.');
  for (const [scenario, byTarget] of results) {
    const direct = byTarget.get(DIRECT);
    const proxy = byTarget.get(KEEP_ALIVE);
    const throughput = SCENARIOS.find((s) => s.name === scenario)?.throughput;
    lines.push(`  ${scenario}:`);
    for (const [name, m] of byTarget) {
      const parts = [
        ...(Number.isNaN(m.rps) ? [] : [`${Math.round(m.rps)} req/s`]),
        `p50 ${fmt(m.p50)}`,
        `p99 ${fmt(m.p99)}`,
        ...(m.cpuUs !== undefined && !Number.isNaN(m.cpuUs) ? [`CPU/req ${Math.round(m.cpuUs)} µs`] : []),
        ...(throughput && proxy && name !== KEEP_ALIVE && name !== DIRECT ? [`${(m.rps / proxy.rps).toFixed(2)}× keep-alive proxy`] : []),
        ...(throughput && direct && name !== DIRECT ? [`${(m.rps / direct.rps).toFixed(2)}× direct`] : []),
        ...(direct && name !== DIRECT ? [`added p50 ${signed(m.p50 - direct.p50)}, p99 ${signed(m.p99 - direct.p99)}`] : []),
        ...(m.failures.size ? [`${errorCount(m.failures)} errors`] : []),
      ];
      lines.push(`    ${name.padEnd(26)} ${parts.join(', ')}`);
      for (const [reason, count] of m.failures) lines.push(`      ${count}× ${reason}`);
    }
  }
  lines.push('targets (issue 13), this run:', ...targetLines(results));
  if (profileDir) lines.push(`the host's CPU profile is in ${profileDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
});

/**
 * Every process on CPU 1 but the target's and the upstream's is stopped (SIGSTOP) while the target
 * is measured: an idle proxy's garbage collection or timers would otherwise run in another's
 * turn (a profile of CPU 1 caught the idle http-proxy running 10 ms straight in our gateway's).
 * The host's own background work (discovery, health checks, sampling) runs in its turn: that is
 * the gateway as users run it.
 */
async function isolated<T>(target: Target, run: () => Promise<T>): Promise<T> {
  const others = TARGETS.filter((t) => t.pid !== target.pid && t.pid !== upstream.pid).map((t) => t.pid);
  for (const pid of others) process.kill(pid, 'SIGSTOP');
  try {
    return await run();
  } finally {
    for (const pid of others) process.kill(pid, 'SIGCONT');
  }
}

// Rounds interleave targets, so a burst of work elsewhere on the machine lands on one round of one
// target rather than on all of a target's runs; the medians leave such a round out.
describe('gateway, side by side', () => {
  bench(
    `${SCENARIOS.length} scenarios × ${TARGETS.length} targets × ${ROUNDS} rounds`,
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        for (const scenario of SCENARIOS) {
          for (const target of [...TARGETS, ...(scenario.throughput ? [] : [{ ...TARGETS[0]!, name: DIRECT_AGAIN }])]) {
            record(scenario.name, target.name, await isolated(target, () => scenario.run(target)));
          }
        }
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
