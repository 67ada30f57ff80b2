import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthSample } from '../../../shared/provider';
import { HealthCheckSchema } from '../../../shared/recipe';
import { HealthMonitor } from './health-monitor';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A health endpoint answering 503 for the first `failFirst` requests, then as `status()` says. */
async function endpoint(options: { failFirst?: number; status?: () => number } = {}) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    const status = requests <= (options.failFirst ?? 0) ? 503 : (options.status?.() ?? 200);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'ok' : 'loading' }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => requests };
}

const check = HealthCheckSchema.parse({ path: '/health', json: { status: 'ok' }, timeoutMs: 500 });

function monitor(unhealthyAfterFailures = 2) {
  const recorded: Array<[string, HealthSample]> = [];
  const health = new HealthMonitor({
    settings: () => ({ healthIntervalSec: 1, unhealthyAfterFailures }),
    onSample: (id, s) => recorded.push([id, s]),
  });
  return { health, recorded };
}

describe('HealthMonitor.waitHealthy', () => {
  it('polls until the check passes, keeping the samples of the provider’s own check', async () => {
    const { baseUrl } = await endpoint({ failFirst: 2 });
    const { health, recorded } = monitor();
    const ok = await health.waitHealthy('p', baseUrl, check, { deadline: Date.now() + 30_000, isStale: () => false, record: true });
    expect(ok).toBe(true);
    expect(health.history('p').map((s) => s.detail)).toEqual(['HTTP 503', 'HTTP 503', 'HTTP 200']);
    expect(recorded.map(([id]) => id)).toEqual(['p', 'p', 'p']);
    expect(health.last('p')?.ok).toBe(true);
  });

  it('records nothing for a ready check of an earlier process, and stops at the deadline or once stale', async () => {
    const { baseUrl, requests } = await endpoint({ status: () => 503 });
    const { health } = monitor();
    expect(await health.waitHealthy('p', baseUrl, check, { deadline: 0, isStale: () => false, record: false })).toBe(false);
    expect(health.history('p')).toEqual([]);
    expect(requests()).toBe(1);
    expect(await health.waitHealthy('p', baseUrl, check, { deadline: Date.now() + 30_000, isStale: () => true, record: true })).toBe(false);
    expect(requests()).toBe(1);
  });
});

describe('HealthMonitor.watch', () => {
  it('calls a provider hung after failures in a row, and never again after that', async () => {
    let status = 200;
    const { baseUrl } = await endpoint({ status: () => status });
    const { health } = monitor(2);
    const events: string[] = [];
    const hung = new Promise<{ failures: number; last: HealthSample }>((resolve) =>
      health.watch({
        id: 'p',
        baseUrl,
        check,
        isStale: () => false,
        onPass: () => {
          events.push('pass');
          status = 503;
        },
        onHung: (failures, last) => {
          events.push('hung');
          resolve({ failures, last });
        },
      }),
    );
    const { failures, last } = await hung;
    expect(failures).toBe(2);
    expect(last.detail).toBe('HTTP 503');
    expect(events).toEqual(['pass', 'hung']);
    expect(health.history('p').map((s) => s.ok)).toEqual([true, false, false]);
  });

  it('counts failures in a row only: a pass in between starts the count again', async () => {
    const answers = [503, 200, 503, 503];
    const { baseUrl } = await endpoint({ status: () => answers.shift() ?? 503 });
    const { health } = monitor(2);
    const failures = await new Promise<number>((resolve) =>
      health.watch({ id: 'p', baseUrl, check, isStale: () => false, onPass: () => {}, onHung: (n) => resolve(n) }),
    );
    expect(failures).toBe(2);
    expect(health.history('p').map((s) => s.ok)).toEqual([false, true, false, false]);
  });

  it('probes a stale watch no more', async () => {
    const { baseUrl, requests } = await endpoint();
    const { health } = monitor();
    let stale = false;
    const passed = new Promise<void>((resolve) =>
      health.watch({
        id: 'p',
        baseUrl,
        check,
        isStale: () => stale,
        onPass: () => {
          stale = true;
          resolve();
        },
        onHung: () => {},
      }),
    );
    await passed;
    // The next probe would be due a second later: waiting past it shows none went out.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(requests()).toBe(1);
  });
});
