import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStandInRecipe } from '../e2e/support/stand-in-recipe';
import type { LogLine } from '../shared/provider';
import { startTestHost } from '../test/host-fixture';
import { tempDir } from '../test/temp-dir';
import { startHeadlessServer } from './headless';
import { pickPort } from './services/os/ports';
import { connectToHeadlessHost } from './transports/ws-client';

type Batch = { id: string; lines: LogLine[]; dropped: number };

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('log lines by subscription, over the real host and WebSocket', () => {
  it('sends a provider’s lines only to the clients watching it, until they unwatch or go', async () => {
    const base = path.join(await tempDir(), 'base');
    await writeStandInRecipe(base, { port: await pickPort(24600) });
    const host = await startTestHost({ HELIX_LOCAL_LLM_DIR: base });
    const server = await startHeadlessServer({ rpc: host.rpc, staticDir: host.root, port: 0 });
    const origin = `http://127.0.0.1:${server.port}`;
    const watcher = await connectToHeadlessHost(origin, server.token);
    const bystander = await connectToHeadlessHost(origin, server.token);
    try {
      const seen = { watcher: [] as Batch[], bystander: [] as Batch[] };
      watcher.client.on('logs.lines', (batch) => seen.watcher.push(batch));
      bystander.client.on('logs.lines', (batch) => seen.bystander.push(batch));
      const texts = (batches: Batch[], id: string) => batches.filter((b) => b.id === id).flatMap((b) => b.lines.map((l) => l.text));
      // Both watch the install log: a line there, written after one in the provider's log, comes
      // after it on each connection (batches flush in the order they began), so it marks "all sent".
      expect(await watcher.client.invoke('logs.watch', { id: 'standin' })).toEqual({ id: 'standin', watching: true });
      await watcher.client.invoke('logs.watch', { id: 'standin-install' });
      await bystander.client.invoke('logs.watch', { id: 'standin-install' });

      expect((await watcher.client.invoke('providers.start', { id: 'standin' })).status).toBe('running');
      host.logs.system('standin', 'marker 1');
      host.logs.system('standin-install', 'sentinel 1');
      await until(
        () =>
          texts(seen.watcher, 'standin-install').includes('sentinel 1') && texts(seen.bystander, 'standin-install').includes('sentinel 1'),
      );
      expect(texts(seen.watcher, 'standin')).toContain('marker 1');
      expect(texts(seen.watcher, 'standin').length).toBeGreaterThan(1); // the provider's own start-up lines too
      expect(texts(seen.bystander, 'standin')).toEqual([]);
      // Not watching is not losing: the bystander can still read the log.
      expect((await bystander.client.invoke('logs.tail', { id: 'standin' })).lines.map((l) => l.text)).toContain('marker 1');

      expect(await watcher.client.invoke('logs.unwatch', { id: 'standin' })).toEqual({ id: 'standin', watching: false });
      host.logs.system('standin', 'marker 2');
      host.logs.system('standin-install', 'sentinel 2');
      await until(() => texts(seen.watcher, 'standin-install').includes('sentinel 2'));
      expect(texts(seen.watcher, 'standin')).not.toContain('marker 2');

      // A closed connection's subscriptions go with it.
      expect(host.rpc.subscriptions.any('logs.lines', 'standin-install')).toBe(true);
      watcher.close();
      bystander.close();
      await until(() => !host.rpc.subscriptions.any('logs.lines', 'standin-install'));
    } finally {
      watcher.close();
      bystander.close();
      await server.close();
    }
  });

  it('refuses to watch the log of a provider that does not exist', async () => {
    const host = await startTestHost();
    const server = await startHeadlessServer({ rpc: host.rpc, staticDir: host.root, port: 0 });
    const remote = await connectToHeadlessHost(`http://127.0.0.1:${server.port}`, server.token);
    try {
      await expect(remote.client.invoke('logs.watch', { id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      remote.close();
      await server.close();
    }
  });
});
