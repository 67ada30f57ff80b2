import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { event, request } from '../../shared/rpc/define';
import { RpcServer } from '../../shared/rpc/server';
import { closedWithin, rawUpgrade } from '../../test/ws-raw';
import { TOO_SLOW_CLOSE_CODE, UNAUTHORIZED_CLOSE_CODE } from '../../shared/rpc/close-codes';
import { WS_PATH, bindWebSocket } from './ws';
import type { WsLimits } from './ws-limits';

const contract = {
  requests: { echo: request<string>()(z.object({ text: z.string() }).strict(), 'echoes') },
  events: { blob: event<{ n: number; data: string }>('a big event') },
} as const;

const TOKEN = 'secret-token';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real HTTP server on 127.0.0.1 with the contract bound on /ws, as the headless host does. */
async function host(limits: Partial<WsLimits> = {}) {
  const rpc = new RpcServer(contract, { echo: ({ text }) => text });
  const drops: Array<{ id: string; reason: string }> = [];
  const server: Server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const unbind = bindWebSocket(server, {
    rpc,
    // An authoriser that throws, as a token parser meeting an undecodable cookie would.
    isAuthorized: (req) => {
      if (req.headers['x-throw']) throw new URIError('URI malformed');
      return req.headers.authorization === `Bearer ${TOKEN}`;
    },
    isAllowedOrigin: () => true,
    limits,
    onDrop: (id, reason) => drops.push({ id, reason }),
  });
  cleanups.push(async () => {
    await unbind();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return { rpc, port, drops };
}

async function connect(port: number, token = TOKEN): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}`, { headers: { authorization: `Bearer ${token}` } });
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return ws;
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

async function stillServes(port: number): Promise<void> {
  const ws = await connect(port);
  const reply = nextMessage(ws);
  ws.send(JSON.stringify({ type: 'request', id: 1, method: 'echo', params: { text: 'alive' } }));
  await expect(reply).resolves.toMatchObject({ id: 1, ok: true, result: 'alive' });
}

describe('the WebSocket binding', () => {
  it('answers upgrades it cannot use with a 4xx and keeps serving', async () => {
    const { port } = await host();
    expect((await rawUpgrade(port, '//')).status).toBe(400);
    for (const odd of ['//ws', '/\\', '/ws/../..//x', 'http://[::1', '*']) {
      expect((await rawUpgrade(port, odd)).status, odd).toBeGreaterThanOrEqual(400);
    }
    expect((await rawUpgrade(port, '/nope')).status).toBe(404);
    expect((await rawUpgrade(port, WS_PATH, { 'x-throw': '1' })).status).toBe(400);
    expect((await rawUpgrade(port, WS_PATH, { 'Sec-WebSocket-Version': '99' })).status).toBe(400);
    await stillServes(port);
  });

  it('closes a handshake without the token with 4401', async () => {
    const { port } = await host();
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}`);
    ws.on('error', () => {});
    await expect(closeOf(ws)).resolves.toMatchObject({ code: UNAUTHORIZED_CLOSE_CODE });
  });

  it('answers binary and non-JSON frames with BAD_MESSAGE, and closes on a frame over the size cap', async () => {
    const { port } = await host({ maxFrameBytes: 64 * 1024 });
    const ws = await connect(port);
    let reply = nextMessage(ws);
    ws.send(Buffer.from(JSON.stringify({ type: 'request', id: 3, method: 'echo', params: { text: 'x' } })), { binary: true });
    await expect(reply).resolves.toMatchObject({
      id: null,
      ok: false,
      error: { code: 'BAD_MESSAGE', message: expect.stringContaining('binary') },
    });
    reply = nextMessage(ws);
    ws.send('{"type":"request","id":4,');
    await expect(reply).resolves.toMatchObject({
      id: null,
      ok: false,
      error: { code: 'BAD_MESSAGE', message: expect.stringContaining('not JSON') },
    });
    const closed = closeOf(ws);
    ws.send('x'.repeat(65 * 1024));
    await expect(closed).resolves.toMatchObject({ code: 1009 });
    await stillServes(port);
  });

  it('refuses clients past the cap with 503 until one leaves', async () => {
    const { port } = await host({ maxClients: 2 });
    const first = await connect(port);
    await connect(port);
    await expect(connect(port)).rejects.toThrow('HTTP 503');
    const gone = closeOf(first);
    first.close();
    await gone;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the host sees the close after the client
    await stillServes(port);
  });

  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    const { port, drops } = await host({ heartbeatMs: 150 });
    const healthy = await connect(port); // the ws client answers pings by itself
    const mute = await rawUpgrade(port, WS_PATH, { Authorization: `Bearer ${TOKEN}` });
    expect(mute.status).toBe(101);
    expect(await closedWithin(mute.socket, 5_000)).toBe(true);
    expect(drops).toEqual([expect.objectContaining({ reason: expect.stringContaining('no answer to a ping') })]);
    expect(healthy.readyState).toBe(WebSocket.OPEN);
  });

  it('drops a client that stops reading once its unsent data passes the cap, and keeps feeding the others', async () => {
    const cap = 512 * 1024;
    const { rpc, port, drops } = await host({ maxBufferedBytes: cap, closeGraceMs: 200 });
    const healthy = await connect(port);
    const stalled = await connect(port);
    // Stop reading: the kernel buffers fill, then the host's queue for this client grows.
    (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
    let received = 0;
    healthy.on('message', () => received++);
    const data = 'x'.repeat(64 * 1024);
    let n = 0;
    while (drops.length === 0 && n < 5_000) {
      rpc.emit('blob', { n: n++, data });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(drops).toEqual([{ id: expect.any(String), reason: expect.stringContaining('stopped reading') }]);
    // The queue was cut at the cap (plus the frame that crossed it), not left to grow.
    const unsentMiB = Number(/\(([\d.]+) MiB unsent/.exec(drops[0]!.reason)![1]);
    expect(unsentMiB * 1024 * 1024).toBeLessThan(cap + 2 * data.length);
    const before = received;
    rpc.emit('blob', { n: -1, data: 'after the drop' });
    await expect.poll(() => received, { timeout: 5_000 }).toBeGreaterThan(before);
    // Once it reads again, the stalled client finds its connection ended.
    const closed = closeOf(stalled);
    (stalled as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect(closed).resolves.toMatchObject({ code: expect.any(Number) });
    expect([TOO_SLOW_CLOSE_CODE, 1006]).toContain((await closed).code);
  });
});
