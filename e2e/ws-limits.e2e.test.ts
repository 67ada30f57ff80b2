import { afterEach, describe, expect, it } from 'vitest';
import { closedWithin, rawUpgrade } from '../test/ws-raw';
import { cliPath, freshDirs, spawnHost, writeSettings, type RunningHost } from './support/host-process';
import { connectClient } from './support/ws-client';

let host: RunningHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('WebSocket client limits on a real host', () => {
  it('terminates a half-open client by ping/pong and refuses clients past the cap, keeping the live ones', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    host = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, {
      HELIX_LOCAL_LLM_WS_HEARTBEAT_MS: '3000',
      HELIX_LOCAL_LLM_WS_MAX_CLIENTS: '3',
    });
    const port = Number(new URL(host.origin).port);
    const auth = { Authorization: `Bearer ${host.token}` };

    // Two clients whose ws library answers pings (three seconds apart, so a busy test process still
    // answers in time), and one that completed the handshake and went mute.
    const first = await connectClient(host.origin, host.token, { timeoutMs: 10_000 });
    const second = await connectClient(host.origin, host.token, { timeoutMs: 10_000 });
    const mute = await rawUpgrade(port, '/ws', auth);
    expect(mute.status).toBe(101);

    // Full: the next one is refused before its handshake.
    const refused = await rawUpgrade(port, '/ws', auth);
    expect(refused.status).toBe(503);
    refused.socket.destroy();

    expect(await closedWithin(mute.socket, 10_000)).toBe(true);
    expect(host.output()).toMatch(/WebSocket client ws-\d+ dropped: no answer to a ping within 3000 ms/);

    // The mute client's place is free again, and the clients that answer pings were kept.
    const third = await connectClient(host.origin, host.token, { timeoutMs: 10_000 });
    for (const client of [first, second, third])
      await expect(client.client.invoke('app.info')).resolves.toMatchObject({ mode: 'headless' });
    for (const client of [first, second, third]) client.close();
  });
});
