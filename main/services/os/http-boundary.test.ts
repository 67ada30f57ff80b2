import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { holdConnections, rawRequest } from '../../../test/raw-http';
import {
  guardListener,
  hardenServer,
  parseRequestTarget,
  readBoundedBody,
  sameSitePath,
  serverOptions,
  type Listener,
  type ServerLimits,
} from './http-boundary';
import { isLoopbackHostHeader } from './loopback';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const shape = {
  raw: (status: number, reason: string, message: string) =>
    `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${message.length + 5}\r\nConnection: close\r\n\r\nTEXT ${message}`,
  reply: (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(`TEXT ${message}`) });
    res.end(`TEXT ${message}`);
  },
};

async function serve(listener: Listener, limits: Partial<ServerLimits> = {}, logs: string[] = []) {
  const full: ServerLimits = { maxConnections: 64, headersTimeoutMs: 1000, requestTimeoutMs: 2000, ...limits };
  const server = http.createServer(
    serverOptions(full),
    guardListener(
      listener,
      (res) => shape.reply(res, 500, 'failed'),
      (m) => logs.push(m),
    ),
  );
  hardenServer(server, full, shape, (m) => logs.push(m));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const get = (path: string, headers: string[] = []) => ({
  pieces: [
    Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'),
  ],
});

describe('parseRequestTarget', () => {
  it('never throws, keeps // a path, and refuses what is not a path', () => {
    for (const raw of ['//', '/\\', '/%', '/%zz', '/%E0%A4%A', '//evil.example/x?token=1', '/\u00ff', '/a\u0000b']) {
      expect(parseRequestTarget(raw)?.pathname.startsWith('/')).toBe(true);
    }
    expect(() => new URL('//', 'http://host.invalid')).toThrow(); // why this module exists
    expect(parseRequestTarget('//evil.example/x?token=1')).toMatchObject({ pathname: '//evil.example/x' });
    expect(parseRequestTarget('/?token=%')?.searchParams.get('token')).toBe('%');
    for (const raw of ['http://evil.example/', '*', 'example.com:443', '', undefined]) expect(parseRequestTarget(raw)).toBeUndefined();
  });

  it('sameSitePath never leaves the site', () => {
    expect(sameSitePath('//evil.example/x')).toBe('/evil.example/x');
    expect(sameSitePath('/\\evil.example')).toBe('/evil.example');
    expect(sameSitePath('/')).toBe('/');
  });

  it('isLoopbackHostHeader', () => {
    for (const host of ['127.0.0.1:80', 'localhost', '[::1]:9', '127.1.2.3']) expect(isLoopbackHostHeader(host)).toBe(true);
    for (const host of ['evil.example', 'localhost.evil', '[::1', '127.0.0.1.evil:80', '', undefined, '\u00ff'])
      expect(isLoopbackHostHeader(host)).toBe(false);
  });
});

describe('guardListener + hardenServer on a real socket', () => {
  it('a synchronous throw, a rejection, and a throw after the headers never reach the process', async () => {
    const logs: string[] = [];
    const port = await serve(
      (req, res) => {
        if (req.url === '/sync') throw new Error('sync boom');
        if (req.url === '/async') return Promise.reject(new Error('async boom'));
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        throw new Error('late boom');
      },
      {},
      logs,
    );
    expect(await rawRequest(port, get('/sync'))).toMatchObject({ kind: 'response', status: 500 });
    expect(await rawRequest(port, get('/async'))).toMatchObject({ kind: 'response', status: 500 });
    // Headers were out: the answer is cut short (or never sent), so the client cannot take it as complete.
    const late = await rawRequest(port, get('/late'));
    expect(late.kind === 'closed' || late.kind === 'reset' || (late.kind === 'response' && late.body.length < 100)).toBe(true);
    expect(logs.join('\n')).toMatch(/sync boom[\s\S]*async boom[\s\S]*late boom/);
  });

  it('answers what the parser rejects in the server shape: 400, 431, 408, and 417 for an unknown Expect', async () => {
    const port = await serve((_req, res) => void res.end('ok'), { headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const bad = await rawRequest(port, { pieces: [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n')] });
    expect(bad).toMatchObject({ kind: 'response', status: 400 });
    expect(bad.kind === 'response' && bad.body.toString()).toMatch(/^TEXT The request is not valid HTTP/);
    expect(await rawRequest(port, get('/', [`X-Long: ${'x'.repeat(20_000)}`]))).toMatchObject({ kind: 'response', status: 431 });
    const slow = await rawRequest(port, { pieces: [Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from('Host: x\r\n')], pauseMs: 200 }, 5000);
    expect(slow).toMatchObject({ kind: 'response', status: 408 });
    const expectation = await rawRequest(port, get('/', ['Expect: nonsense']));
    expect(expectation).toMatchObject({ kind: 'response', status: 417 });
    expect(expectation.kind === 'response' && expectation.body.toString()).toMatch(/^TEXT /);
    expect(await rawRequest(port, get('/'))).toMatchObject({ kind: 'response', status: 200 });
  });

  it('caps connections: past the cap a new one is closed at once, and served again once one is freed', async () => {
    const port = await serve((_req, res) => void res.end('ok'), { maxConnections: 3 });
    const held = await holdConnections(port, 3);
    expect(['closed', 'reset']).toContain((await rawRequest(port, get('/'))).kind);
    held[0]!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(await rawRequest(port, get('/'))).toMatchObject({ kind: 'response', status: 200 });
    for (const socket of held) socket.destroy();
  });

  it('readBoundedBody: 413 past the cap (declared or sent), read on so the client sees it', async () => {
    const port = await serve(async (req, res) => {
      const read = await readBoundedBody(req, 1000);
      res.end(read.ok ? `got ${read.body.length}` : read.reason);
    });
    const post = (headers: string, body: Buffer) => ({
      pieces: [Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\n${headers}\r\n`), body])],
    });
    const ok = await rawRequest(port, post('Content-Length: 10\r\n', Buffer.alloc(10)));
    expect(ok.kind === 'response' && ok.body.toString()).toBe('got 10');
    const sent = await rawRequest(port, post('Transfer-Encoding: chunked\r\n', Buffer.from(`bb8\r\n${'a'.repeat(3000)}\r\n0\r\n\r\n`)));
    expect(sent.kind === 'response' && sent.body.toString()).toBe('too_large');
    const declared = await rawRequest(port, post('Content-Length: 5000\r\n', Buffer.alloc(10)));
    expect(declared.kind === 'response' && declared.body.toString()).toBe('too_large');
  });
});
