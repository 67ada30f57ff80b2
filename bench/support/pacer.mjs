// An open-loop load generator for the gateway benchmark: POSTs evenly spaced at RATE per second,
// whatever the answers do, over kept-alive connections, each timed from the moment it is sent to
// its last byte. It is a process of its own, so the benchmark's process (vitest, autocannon, every
// round's results) cannot pause between an answer arriving and its time being taken; nothing here
// allocates per request beyond the request itself. The first WARMUP seconds are not counted.
//
// Usage: node pacer.mjs '<json options>'  ->  one line of JSON: { ok, failures, seconds, p50, p99 }
//   failures: [reason, count] pairs, each distinct answer ("HTTP 503: …") or socket error once.
// options: { port, headers, path, body, rate, seconds, warmupSeconds }; latencies in ms.
import http from 'node:http';

const options = JSON.parse(process.argv[2] ?? '{}');
const { port, path = '/v1/chat/completions', rate = 1000, seconds = 3, warmupSeconds = 1 } = options;
const payload = Buffer.from(options.body ?? '{}');
const headers = { 'content-type': 'application/json', 'content-length': String(payload.length), ...options.headers };
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const warmup = Math.round(rate * warmupSeconds);
const total = Math.round(rate * seconds) + warmup;
const interval = 1000 / rate;
const times = new Float64Array(total - warmup);
let ok = 0;
const failures = new Map();
const fail = (reason) => failures.set(reason, (failures.get(reason) ?? 0) + 1);
let sent = 0;
let settled = 0;
let measuredFrom = 0;

await new Promise((resolve) => {
  const settle = () => {
    if (++settled === total) resolve();
  };
  const fire = (index) => {
    const counted = index >= warmup;
    let sentAt = 0;
    const req = http.request({ agent, host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const failed = res.statusCode !== 200;
      let text = '';
      res.on('data', failed ? (chunk) => (text += chunk) : () => undefined);
      res.on('end', () => {
        if (counted) {
          if (!failed) times[ok++] = performance.now() - sentAt;
          else fail(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
        }
        settle();
      });
    });
    req.on('error', (error) => {
      if (counted) fail(error.code ?? error.message);
      settle();
    });
    req.end(payload);
    sentAt = performance.now();
    if (index === warmup) measuredFrom = sentAt;
  };
  const started = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    while (sent < total && started + sent * interval <= now) fire(sent++);
    if (sent === total) clearInterval(timer);
  }, 0);
});

const elapsed = (performance.now() - measuredFrom) / 1000;
agent.destroy();
const sorted = times.subarray(0, ok).sort();
const at = (q) => (ok === 0 ? null : sorted[Math.min(ok - 1, Math.floor(q * ok))]);
process.stdout.write(`${JSON.stringify({ ok, failures: [...failures], seconds: elapsed, p50: at(0.5), p99: at(0.99) })}\n`);
