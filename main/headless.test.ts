import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Contract } from '../shared/contract';
import { untyped } from '../test/untyped-client';
import { RpcClient } from '../shared/rpc/client';
import { startTestServer } from '../test/host-fixture';
import { startHeadlessServer } from './headless';
import { UNAUTHORIZED_CLOSE_CODE } from '../shared/rpc/close-codes';
import { nodeWsTransport } from './transports/ws-client';

/** A Node WebSocket as a Transport, the way a script would talk to the host. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('close', () => resolve());
  });
  return { ws, closed, client: new RpcClient<Contract>(nodeWsTransport(ws), { timeoutMs: 5000 }) };
}

describe('headless host over HTTP', () => {
  it('refuses pages without the token, and trades a URL token for a cookie', async () => {
    const { server, origin } = await startTestServer();
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${origin}/`, { headers: { cookie: `llm_token_${server.port}=wrong` } })).status).toBe(401);

    const first = await fetch(server.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toContain(`llm_token_${server.port}=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const page = await fetch(`${origin}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('test ui');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) {
      expect(page.headers.get('content-security-policy')).toContain(directive);
    }
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('serves a build made while it runs: the new page and its new assets, not a blank page', async () => {
    const { server, origin, staticDir } = await startTestServer();
    const cookie = `llm_token_${server.port}=${server.token}`;
    const get = (p: string) => fetch(`${origin}${p}`, { headers: { cookie } });
    await writeFile(path.join(staticDir, 'old-1.js'), 'old');
    expect((await get('/old-1.js')).status).toBe(200);
    // What a build does: a new index.html naming new hashed assets, the old ones gone.
    await rm(path.join(staticDir, 'old-1.js'));
    await writeFile(path.join(staticDir, 'new-2.js'), 'new asset');
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>new build</title><script src="/new-2.js"></script>');
    expect(await (await get('/')).text()).toContain('new build');
    const asset = await get('/new-2.js');
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('new asset');
  });

  it('says the UI is not built while there is no build, and serves it once there is', async () => {
    const { server, origin, staticDir } = await startTestServer();
    const cookie = `llm_token_${server.port}=${server.token}`;
    await rm(path.join(staticDir, 'index.html'));
    const missing = await fetch(`${origin}/`, { headers: { cookie } });
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('npm run build');
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>built now</title>');
    expect(await (await fetch(`${origin}/`, { headers: { cookie } })).text()).toContain('built now');
  });

  it('refuses a foreign Host name (DNS rebinding) when bound to loopback', async () => {
    const { server } = await startTestServer();
    const status = await new Promise<number>((resolve, reject) => {
      void import('node:http').then(({ request }) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: `/?token=${server.token}`, headers: { host: `evil.example:${server.port}` } },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on('error', reject);
        req.end();
      });
    });
    expect(status).toBe(403);
  });

  it('fails clearly when an explicit port is taken, and falls back when the default one is', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(startTestServer({ port: taken, strictPort: true })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(String(taken)),
        hint: expect.stringContaining('--port'),
      });
      const { server } = await startTestServer({ port: taken, strictPort: false });
      expect(server.port).not.toBe(taken);
      expect(server.notices.join('\n')).toContain(`Port ${taken} is in use`);
    } finally {
      blocker.close();
    }
  });

  it('binds beyond loopback only with expose and a long enough key the user chose, and warns', async () => {
    const rpc = {} as never; // refused before the contract is touched
    await expect(startHeadlessServer({ rpc, staticDir: '/nonexistent', host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/Refusing to listen on 0.0.0.0/),
    });
    for (const token of [undefined, 'short', `${'k'.repeat(40)};x`]) {
      await expect(
        startHeadlessServer({ rpc, staticDir: '/nonexistent', host: '0.0.0.0', expose: true, token, port: 0 }),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/needs an API key/),
      });
    }
    const key = 'k'.repeat(40);
    const { server } = await startTestServer({ host: '0.0.0.0', expose: true, token: key });
    expect(server.notices.join('\n')).toMatch(/beyond this machine/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${key}`);
  });
});

describe('headless host over WebSocket', () => {
  it('serves the contract to a client with the token, and pushes events to every client', async () => {
    const { server } = await startTestServer();
    const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    const a = await connect(wsUrl, { authorization: `Bearer ${server.token}` });
    const b = await connect(`${wsUrl}?token=${server.token}`);
    const info = await a.client.invoke('app.info');
    expect(info).toMatchObject({ mode: 'headless', pid: process.pid });

    const seen = new Promise((resolve) => b.client.on('settings.changed', resolve));
    const saved = await a.client.invoke('settings.update', { healthIntervalSec: 7 });
    expect(saved.values.healthIntervalSec).toBe(7);
    await expect(seen).resolves.toMatchObject({ values: { healthIntervalSec: 7 } });

    await expect(a.client.invoke('settings.update', { healthIntervalSec: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(untyped(a.client).invoke('settings.update', { colour: 'red' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    a.ws.close();
    b.ws.close();
  });

  it('closes a socket without a valid token with 4401, and refuses a foreign Origin', async () => {
    const { server } = await startTestServer();
    const noToken = await connect(`ws://127.0.0.1:${server.port}/ws`);
    expect((await noToken.closed).code).toBe(UNAUTHORIZED_CLOSE_CODE);
    const wrong = await connect(`ws://127.0.0.1:${server.port}/ws?token=nope`);
    expect((await wrong.closed).code).toBe(UNAUTHORIZED_CLOSE_CODE);

    const foreign = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: 'http://evil.example' });
    const error = await new Promise<Error>((resolve) => foreign.on('error', resolve));
    expect(error.message).toContain('403');

    const sameOrigin = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
      origin: `http://127.0.0.1:${server.port}`,
    });
    await expect(sameOrigin.client.invoke('settings.get')).resolves.toHaveProperty('values');
    sameOrigin.ws.close();
  });

  it('survives garbage, unknown methods and oversized frames', async () => {
    const { server } = await startTestServer();
    const url = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
    const raw = new WebSocket(url);
    await new Promise((resolve) => raw.once('open', resolve));
    const reply = new Promise((resolve) => raw.once('message', (d) => resolve(JSON.parse(String(d)))));
    raw.send('{not json');
    await expect(reply).resolves.toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
    const closed = new Promise<number>((resolve) => raw.once('close', resolve));
    raw.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);

    const fresh = await connect(url);
    await expect(untyped(fresh.client).invoke('nope.nothing')).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(fresh.client.invoke('settings.get')).resolves.toHaveProperty('values');
    fresh.ws.close();
  });

  it('closes cleanly, ending open sockets', async () => {
    const { host } = await startTestServer();
    const server = await startHeadlessServer({ rpc: host.rpc, staticDir: host.root, port: 0 });
    const c = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await server.close();
    expect((await c.closed).code).toBe(1001);
  });
});
