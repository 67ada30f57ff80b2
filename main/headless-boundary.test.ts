import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../test/host-fixture';
import { holdConnections, rawRequest, type RawAnswer } from '../test/raw-http';

// The headless host's listener treats every byte as hostile: each of these once killed the
// process (and every provider with it), or could have. Real server, real sockets.

const raw = (port: number, lines: string[], body = '') =>
  rawRequest(port, { pieces: [Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1')] }, 5000);
const status = (answer: RawAnswer) => (answer.kind === 'response' ? answer.status : answer.kind);
const header = (answer: RawAnswer, name: string) =>
  answer.kind === 'response' ? new RegExp(`\\r\\n${name}: ([^\\r]*)`, 'i').exec(answer.head)?.[1] : undefined;

describe('the headless host at its boundary', () => {
  it('answers paths new URL() cannot parse and undecodable cookies, and keeps serving', async () => {
    const { server, origin } = await startTestServer();
    const host = `Host: 127.0.0.1:${server.port}`;
    for (const path of ['//', '/\\', '/%', '/%zz', '//evil.example/']) {
      expect(status(await raw(server.port, [`GET ${path} HTTP/1.1`, host, 'Connection: close']))).toBe(401);
    }
    for (const cookie of ['%', '%zz', '\u00ff\u00fe']) {
      expect(
        status(await raw(server.port, ['GET / HTTP/1.1', host, `Cookie: llm_token_${server.port}=${cookie}`, 'Connection: close'])),
      ).toBe(401);
    }
    const absolute = await raw(server.port, ['GET http://evil.example/ HTTP/1.1', host, 'Connection: close']);
    expect(status(absolute)).toBe(400);
    expect(absolute.kind === 'response' && absolute.body.toString()).toMatch(/must be a path/);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('trades a token on //evil.example for a cookie without redirecting off the site', async () => {
    const { server } = await startTestServer();
    const answer = await raw(server.port, [
      `GET //evil.example/x?token=${server.token}&a=1 HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Connection: close',
    ]);
    expect(status(answer)).toBe(302);
    expect(header(answer, 'location')).toBe('/evil.example/x?a=1');
  });

  it('ignores a Range sirv cannot serve (bytes=5-2 used to throw in createReadStream)', async () => {
    const { server } = await startTestServer();
    for (const range of ['bytes=5-2', 'bytes=-', 'bytes=0-1,3-4', 'bytes=abc']) {
      const answer = await raw(server.port, [
        'GET /index.html HTTP/1.1',
        `Host: 127.0.0.1:${server.port}`,
        `Authorization: Bearer ${server.token}`,
        `Range: ${range}`,
        'Connection: close',
      ]);
      expect(status(answer)).toBe(200);
      expect(answer.kind === 'response' && answer.body.toString()).toContain('test ui');
    }
    const partial = await raw(server.port, [
      'GET /index.html HTTP/1.1',
      `Host: 127.0.0.1:${server.port}`,
      `Authorization: Bearer ${server.token}`,
      'Range: bytes=0-8',
      'Connection: close',
    ]);
    expect(status(partial)).toBe(206);
  });

  it('takes no bodies: 405 for other methods, 413 for a body, and the connection stays usable', async () => {
    const { server } = await startTestServer();
    const host = `Host: 127.0.0.1:${server.port}`;
    const post = await raw(server.port, ['POST / HTTP/1.1', host, 'Content-Length: 5', 'Connection: close'], 'hello');
    expect(status(post)).toBe(405);
    expect(header(post, 'allow')).toBe('GET, HEAD');
    expect(
      status(
        await raw(server.port, ['GET / HTTP/1.1', host, 'Transfer-Encoding: chunked', 'Connection: close'], '5\r\nhello\r\n0\r\n\r\n'),
      ),
    ).toBe(413);
    // A body sent in full on a kept-alive connection is read and dropped: the next request is answered.
    const both = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () =>
        socket.write(
          `GET / HTTP/1.1\r\n${host}\r\nContent-Length: 70000\r\n\r\n${'a'.repeat(70_000)}GET /healthz HTTP/1.1\r\n${host}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(both.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
  });

  it('answers the parser’s rejections in plain text and slow headers with 408', async () => {
    const { server, origin } = await startTestServer({ limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
    const bad = await raw(server.port, ['GET / HTTP/1.1', 'Bad Header: x']);
    expect(status(bad)).toBe(400);
    expect(header(bad, 'content-type')).toMatch(/text\/plain/);
    expect(status(await raw(server.port, ['GET / HTTP/1.1', `X-Long: ${'x'.repeat(20_000)}`]))).toBe(431);
    const slow = await rawRequest(
      server.port,
      { pieces: [Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from('Host: 127.0.0.1\r\n')], pauseMs: 200 },
      5000,
    );
    expect(status(slow)).toBe(408);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('caps its connections', async () => {
    const { server, origin } = await startTestServer({ limits: { maxConnections: 2 } });
    const held = await holdConnections(server.port, 2);
    expect(['closed', 'reset']).toContain(status(await raw(server.port, ['GET /healthz HTTP/1.1', 'Connection: close'])));
    for (const socket of held) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});
