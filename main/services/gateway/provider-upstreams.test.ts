import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForState } from '../../../test/wait-for-state';
import { GATEWAY_DEFAULTS } from '../../../shared/gateway';
import type { ProviderState } from '../../../shared/provider';
import { BUILT_IN_DEFAULTS, type Settings } from '../../../shared/settings';
import { standInRecipe } from '../../../test/stand-in';
import { tempDir } from '../../../test/temp-dir';
import { LogService } from '../logs/logs';
import { ensureLayout, pathsFor } from '../base-dir/paths';
import { expandPlaceholders } from '../supervision/placeholders';
import { Supervisor } from '../supervision/supervisor';
import { GatewayService } from './gateway-service';
import { ProviderUpstreams } from './provider-upstreams';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the gateway over the providers the supervisor runs', () => {
  it('routes to running providers; one that dies leaves the rotation at once and returns when healthy again', async () => {
    const paths = pathsFor(path.join(await tempDir(), 'base'));
    await ensureLayout(paths);
    const settings: Settings = { ...BUILT_IN_DEFAULTS, startupTimeoutSec: 15, healthIntervalSec: 1 };
    const logs = new LogService({ dir: paths.logs, flushMs: 20 });
    const supervisor = new Supervisor({ paths, logs, settings: () => settings, expand: expandPlaceholders, restartBaseDelayMs: 300 });
    const feed = { states: () => [] as ProviderState[], on: supervisor.on.bind(supervisor), off: supervisor.off.bind(supervisor) };
    const upstreams = new ProviderUpstreams(feed);
    const gateway = new GatewayService({ upstreams });
    cleanups.push(async () => {
      await gateway.close();
      upstreams.dispose();
      await supervisor.stopAll();
      await logs.close();
    });

    const [a, b] = await Promise.all([
      supervisor.start(standInRecipe({ id: 'standin-a', defaultPort: 31_801, env: { STANDIN_NAME: 'a' } })),
      supervisor.start(standInRecipe({ id: 'standin-b', defaultPort: 31_802, env: { STANDIN_NAME: 'b' } })),
    ]);
    expect([a.status, b.status]).toEqual(['running', 'running']);
    // Models are read just after the provider turns healthy.
    const deadline = Date.now() + 5000;
    while (gateway.status().routes[0]?.targets.length !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const status = await gateway.apply({ ...GATEWAY_DEFAULTS, port: 0 });
    expect(status.routes).toEqual([
      {
        model: 'stand-in.gguf',
        strategy: 'round-robin',
        targets: [
          expect.objectContaining({ providerId: 'standin-a', healthy: true, state: 'running', baseUrl: `http://127.0.0.1:${a.port}` }),
          expect.objectContaining({ providerId: 'standin-b', healthy: true, state: 'running', baseUrl: `http://127.0.0.1:${b.port}` }),
        ],
      },
    ]);
    const client = new OpenAI({ baseURL: status.url, apiKey: 'x', maxRetries: 0 });
    const ask = async () =>
      (await client.chat.completions.create({ model: 'stand-in.gguf', messages: [{ role: 'user', content: 'hi' }] })).choices[0]!.message
        .content;
    const first = await Promise.all([ask(), ask(), ask(), ask()]);
    expect(first.sort()).toEqual(['Hello from a.', 'Hello from a.', 'Hello from b.', 'Hello from b.']);

    // kill -9: the supervisor sees the exit and moves the provider out of `running`.
    const down = waitForState(supervisor, (s) => s.id === 'standin-a' && s.status !== 'running');
    process.kill(a.pid!, 'SIGKILL');
    await down;
    const during = [];
    for (let i = 0; i < 6; i++) during.push(await ask());
    expect(during).toEqual(Array(6).fill('Hello from b.'));
    // Never even tried: it had left the rotation, so no request failed on it.
    expect(gateway.statsSnapshot().upstreams.find((s) => s.providerId === 'standin-a')?.errors ?? 0).toBe(0);

    await waitForState(supervisor, (s) => s.id === 'standin-a' && s.status === 'running' && (s.models?.length ?? 0) > 0);
    const after = await Promise.all([ask(), ask(), ask(), ask()]);
    expect(after).toContain('Hello from a.');
  });
});
