import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { holdTheLoopSoon } from '../../../test/hold-the-loop';
import { startStandIn } from '../../../test/provider-stand-ins';
import { ProbeFailed, probeRequest } from './probe-request';

const servers: Array<Server | TcpServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, server };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof ProbeFailed ? error.reason : `not a ProbeFailed: ${String(error)}`),
  );

describe('probeRequest', () => {
  it('returns status, lower-cased headers (repeats joined as fetch joins them) and the body', async () => {
    const { url } = await serve((req, res) => {
      res.setHeader('X-Thing', ['a', 'b']);
      res.setHeader('Server', 'llama.cpp');
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, accept: req.headers.accept }));
    });
    const answer = await probeRequest(`${url}/v1/models?x=1`, { timeoutMs: 2000, maxBodyBytes: 1024, headers: { accept: 'text/plain' } });
    expect(answer.status).toBe(404);
    expect(answer.headers['x-thing']).toBe('a, b');
    expect(answer.headers.server).toBe('llama.cpp');
    expect(JSON.parse(answer.body)).toEqual({ path: '/v1/models?x=1', accept: 'text/plain' });
  });

  it('sends a POST without a body as Content-Length: 0, not chunked, and closes its connection after the answer', async () => {
    let seen: { method?: string; length?: string; encoding?: string; connection?: string } = {};
    const closed = new Promise<void>((resolve) => {
      void serve((req, res) => {
        seen = {
          method: req.method,
          length: req.headers['content-length'],
          encoding: req.headers['transfer-encoding'],
          connection: req.headers.connection,
        };
        req.socket.on('close', () => resolve());
        res.end('ok');
      }).then(({ url }) => probeRequest(`${url}/api/show`, { method: 'POST', timeoutMs: 2000, maxBodyBytes: 1024 }));
    });
    await closed;
    expect(seen).toEqual({ method: 'POST', length: '0', encoding: undefined, connection: 'close' });
  });

  it('reads at most maxBodyBytes of a body that never ends, and answers with them', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'.repeat(1000)), 1);
      res.on('close', () => clearInterval(timer));
    });
    const answer = await probeRequest(url, { timeoutMs: 5000, maxBodyBytes: 10_000 });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('x'.repeat(10_000));
  });

  it('gives what arrived when the server cuts the body short', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const answer = await probeRequest(url, { timeoutMs: 2000, maxBodyBytes: 1024 });
    expect(answer).toMatchObject({ status: 200, body: 'partial' });
  });

  it('fails as "timed out" when a server accepts and never answers, within the time asked', async () => {
    // Reads (so it sees the probe hang up) and never answers.
    const silent = createTcpServer((socket: Socket) => socket.on('error', () => undefined).resume());
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = performance.now();
    expect(
      await failure(
        probeRequest(`http://127.0.0.1:${(silent.address() as { port: number }).port}/health`, { timeoutMs: 150, maxBodyBytes: 1024 }),
      ),
    ).toBe('timed out');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('fails with the socket error code when nothing listens', async () => {
    const { url, server } = await serve(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    expect(await failure(probeRequest(url, { timeoutMs: 2000, maxBodyBytes: 1024 }))).toBe('ECONNREFUSED');
  });

  it('fails as "aborted" when the caller gives up, before or during the request', async () => {
    const { url } = await serve(() => undefined);
    expect(await failure(probeRequest(url, { timeoutMs: 2000, maxBodyBytes: 1024, signal: AbortSignal.abort() }))).toBe('aborted');
    const controller = new AbortController();
    const pending = failure(probeRequest(url, { timeoutMs: 2000, maxBodyBytes: 1024, signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    expect(await pending).toBe('aborted');
  });

  it('answers with a 3xx by default, and follows same-origin redirects only when asked, at most as many as asked', async () => {
    const { url } = await serve((req, res) => {
      const hop = Number(/^\/hop(\d)$/.exec(req.url ?? '')?.[1] ?? -1);
      if (req.url === '/away') return void res.writeHead(302, { Location: 'http://127.0.0.2:9/elsewhere' }).end();
      if (hop >= 0 && hop < 3) return void res.writeHead(302, { Location: `/hop${hop + 1}` }).end();
      res.end(`at ${req.url}`);
    });
    expect((await probeRequest(`${url}/hop0`, { timeoutMs: 2000, maxBodyBytes: 1024 })).status).toBe(302);
    expect(await probeRequest(`${url}/hop0`, { timeoutMs: 2000, maxBodyBytes: 1024, followRedirects: 3 })).toMatchObject({
      status: 200,
      body: 'at /hop3',
    });
    expect((await probeRequest(`${url}/hop0`, { timeoutMs: 2000, maxBodyBytes: 1024, followRedirects: 2 })).headers.location).toBe('/hop3');
    // Another host is not the server asked about: its redirect is the answer.
    expect((await probeRequest(`${url}/away`, { timeoutMs: 2000, maxBodyBytes: 1024, followRedirects: 3 })).status).toBe(302);
  });

  it('reaches a server on an IPv6 literal', async (context) => {
    const listening = await serve((_req, res) => res.end('six'), '::1').catch(() => undefined);
    if (!listening) return context.skip('no IPv6 loopback here');
    expect((await probeRequest(listening.url, { timeoutMs: 2000, maxBodyBytes: 1024 })).body).toBe('six');
  });

  it('refuses a scheme it does not speak', async () => {
    expect(await failure(probeRequest('https://127.0.0.1:1/', { timeoutMs: 2000, maxBodyBytes: 1024 }))).toBe(
      'unsupported protocol https:',
    );
  });

  it('takes an answer that came while this process was held, though its deadline passed meanwhile', async () => {
    // The server is a process of its own: it answers while this one is held.
    const ollama = await startStandIn('ollama');
    const answer = probeRequest(`http://127.0.0.1:${ollama.port}/api/version`, { timeoutMs: 200, maxBodyBytes: 1024 });
    holdTheLoopSoon(600);
    expect(await answer).toMatchObject({ status: 200, body: expect.stringContaining('version') });
  });
});
