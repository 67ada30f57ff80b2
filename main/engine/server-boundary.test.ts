import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest, type RawAnswer } from '../../test/raw-http';
import { createEngineServer } from './server';

// The engine's listener before a model is loaded (no runtime): enough for everything that is
// decided before a generation. Real server, real sockets.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function engine(host = '127.0.0.1') {
  const server = createEngineServer({
    runtime: () => undefined,
    modelPath: '/models/tiny.gguf',
    version: 'test',
    limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

const raw = (port: number, lines: string[]) => rawRequest(port, { pieces: [Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')] }, 5000);
const errorOf = (answer: RawAnswer) => {
  if (answer.kind !== 'response') return { status: answer.kind };
  return { status: answer.status, ...(JSON.parse(answer.body.toString()) as { error: { type: string; message: string } }).error };
};

describe('the engine at its boundary', () => {
  it('answers only loopback Host names over loopback (DNS rebinding), /health excepted', async () => {
    const port = await engine();
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', '\u00ff']) {
      const answer = await raw(port, ['GET /props HTTP/1.1', `Host: ${host}`, 'Connection: close']);
      expect(errorOf(answer)).toMatchObject({
        status: 403,
        type: 'invalid_request_error',
        message: expect.stringContaining('127.0.0.1 or localhost'),
      });
    }
    expect(errorOf(await raw(port, ['GET /props HTTP/1.1', 'Connection: close']))).toMatchObject({ status: 403 });
    for (const host of [`127.0.0.1:${port}`, 'localhost', `[::1]:${port}`]) {
      expect(await raw(port, ['GET /props HTTP/1.1', `Host: ${host}`, 'Connection: close'])).toMatchObject({
        kind: 'response',
        status: 200,
      });
    }
    // The supervisor's health probe and llama-server's clients: still 503 while loading, whatever the name.
    expect(errorOf(await raw(port, ['GET /health HTTP/1.1', 'Host: evil.example', 'Connection: close']))).toMatchObject({ status: 503 });
  });

  it('answers odd paths, absolute-form targets and the parser’s rejections in OpenAI’s shape', async () => {
    const port = await engine();
    const host = `Host: 127.0.0.1:${port}`;
    for (const path of ['//', '/\\', '/%', '/%zz'])
      expect(errorOf(await raw(port, [`GET ${path} HTTP/1.1`, host, 'Connection: close']))).toMatchObject({ status: 404 });
    expect(errorOf(await raw(port, ['GET http://evil.example/props HTTP/1.1', host, 'Connection: close']))).toMatchObject({ status: 400 });
    expect(errorOf(await raw(port, ['GET /props HTTP/1.1', 'Bad Header: x']))).toMatchObject({ status: 400 });
    expect(errorOf(await raw(port, ['GET /props HTTP/1.1', `X-Long: ${'x'.repeat(20_000)}`]))).toMatchObject({ status: 431 });
    const slow = await rawRequest(
      port,
      { pieces: [Buffer.from('GET /props HTTP/1.1\r\n'), Buffer.from(`${host}\r\n`)], pauseMs: 200 },
      5000,
    );
    expect(errorOf(slow)).toMatchObject({ status: 408 });
    expect(await raw(port, ['GET /v1/models HTTP/1.1', host, 'Connection: close'])).toMatchObject({ kind: 'response', status: 200 });
  });
});
