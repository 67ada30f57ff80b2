import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStandInRecipe } from '../../../e2e/support/stand-in-recipe';
import type { Alert, ResourceSample } from '../../../shared/resources';
import { startTestHost, startTestServer } from '../../../test/host-fixture';
import { tempDir } from '../../../test/temp-dir';
import { pickPort } from '../os/ports';
import { connectToHeadlessHost } from '../../transports/ws-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('resource events over the real host', () => {
  it('pushes samples only while a client holds a watch lease, and answers history by range', async () => {
    const { server, origin } = await startTestServer();
    const watcher = await connectToHeadlessHost(origin, server.token);
    const bystander = await connectToHeadlessHost(origin, server.token);
    try {
      const seen: ResourceSample[] = [];
      watcher.client.on('resources.sample', (s) => seen.push(s));
      await sleep(2_500);
      expect(seen).toEqual([]); // sampling runs (history, alerts) but nobody watches

      const lease = await watcher.client.invoke('resources.watch');
      expect(lease).toEqual({ leaseMs: 15_000, intervalMs: 1_000 });
      await sleep(2_500);
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(seen.at(-1)!.cpu.perCore.length).toBeGreaterThan(0);

      // Another client's unwatch does not end this one's lease.
      await bystander.client.invoke('resources.unwatch');
      const before = seen.length;
      await sleep(1_500);
      expect(seen.length).toBeGreaterThan(before);

      await watcher.client.invoke('resources.unwatch');
      await sleep(200); // a sample already on its way may land
      const stopped = seen.length;
      await sleep(2_000);
      expect(seen.length).toBe(stopped);

      const history = await watcher.client.invoke('resources.history', { range: '1m' });
      expect(history.samples.length).toBeGreaterThanOrEqual(4);
      expect(history.samples.at(-1)!.at).toBeGreaterThanOrEqual(seen.at(-1)!.at);
      await expect(watcher.client.invoke('resources.history', { range: '2h' as '1h' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      watcher.close();
      bystander.close();
    }
  });

  it('samples at the interval saved in settings', async () => {
    const { host, server, origin } = await startTestServer();
    await host.settings.update({ resourceIntervalSec: 2 });
    const remote = await connectToHeadlessHost(origin, server.token);
    try {
      await sleep(2_500); // the tick already scheduled runs at the old interval
      expect((await remote.client.invoke('resources.watch')).intervalMs).toBe(2_000);
      const times: number[] = [];
      remote.client.on('resources.sample', (s) => times.push(s.at));
      while (times.length < 3) await sleep(100);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1_800);
    } finally {
      remote.close();
    }
  });

  it('raises an alert when a provider fails, naming it, and counts its tree in the samples while it ran', async () => {
    const base = path.join(await tempDir(), 'base');
    await writeStandInRecipe(base, { port: await pickPort(24500), env: { STANDIN_CRASH_AFTER_MS: '2500', STANDIN_GRANDCHILD: '1' } });
    const host = await startTestHost({ HELIX_LOCAL_LLM_DIR: base });
    await host.settings.update({ restartLimit: 0 });
    const alerts: Alert[] = [];
    const samples: ResourceSample[] = [];
    host.rpc.addEventSink((frame) => {
      if (frame.topic === 'alerts.raised') alerts.push(frame.payload as Alert);
    });
    host.resources.on('sample', (s) => samples.push(s));
    expect((await host.manager.start('standin')).status).toBe('running');
    const deadline = Date.now() + 15_000;
    while (!alerts.some((a) => a.kind === 'provider') && Date.now() < deadline) await sleep(100);
    const alert = alerts.find((a) => a.kind === 'provider')!;
    expect(alert).toMatchObject({ kind: 'provider', providerId: 'standin', title: 'Stand-in llama-server failed' });
    const usage = samples.flatMap((s) => s.providers).filter((p) => p.id === 'standin');
    expect(usage.length).toBeGreaterThan(0);
    expect(Math.max(...usage.map((u) => u.processes))).toBe(2); // the server and its child
    expect(Math.max(...usage.map((u) => u.rssBytes))).toBeGreaterThan(0);
  });
});
