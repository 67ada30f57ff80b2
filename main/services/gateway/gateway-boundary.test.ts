import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_DEFAULTS, type GatewaySettings } from '../../../shared/gateway';
import { holdConnections, rawRequest, type RawAnswer } from '../../../test/raw-http';
import { GatewayService } from './gateway-service';
import type { GatewayLimits } from './limits';
import { StaticUpstreams } from './upstreams';

// The gateway's listener treats every byte as hostile; each answer is OpenAI's error shape.

const services: GatewayService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

const KEY = 'llm-abcdefghijklmnopqrstuvwxyz012345';

async function gateway(settings: Partial<GatewaySettings> = {}, limits: Partial<GatewayLimits> = {}) {
  const service = new GatewayService({
    upstreams: new StaticUpstreams([]),
    limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000, ...limits },
  });
  services.push(service);
  const status = await service.apply({ ...GATEWAY_DEFAULTS, port: 0, ...settings });
  return Number(new URL(status.url!).port);
}

const raw = (port: number, lines: string[]) => rawRequest(port, { pieces: [Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')] }, 5000);
const errorOf = (answer: RawAnswer) => {
  if (answer.kind !== 'response') return { status: answer.kind };
  return {
    status: answer.status,
    ...(JSON.parse(answer.body.toString()) as { error: { code: string; type: string; message: string } }).error,
  };
};

describe('the gateway at its boundary', () => {
  it('with a key: an Authorization of the right length with a byte above 0x7F is a 401, not a crash', async () => {
    const port = await gateway({ apiKey: KEY });
    const real = `Bearer ${KEY}`;
    for (const value of [
      `${real.slice(0, -1)}\u00ff`,
      '\u00ff'.repeat(real.length),
      `Bearer ${'\u00e9'.repeat(KEY.length)}`,
      real.slice(0, -1),
      `${real}x`,
      'Bearer',
    ]) {
      const answer = await raw(port, [
        'GET /v1/models HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Authorization: ${value}`,
        'Connection: close',
      ]);
      expect(errorOf(answer)).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'authentication_error' });
    }
    const ok = await raw(port, ['GET /v1/models HTTP/1.1', `Host: 127.0.0.1:${port}`, `Authorization: ${real}`, 'Connection: close']);
    expect(ok).toMatchObject({ kind: 'response', status: 200 });
  });

  it('answers the parser’s rejections, slow headers, an unknown Expect and a missing Host in OpenAI’s shape', async () => {
    const port = await gateway();
    expect(errorOf(await raw(port, ['GET /v1/models HTTP/1.1', 'Bad Header: x']))).toMatchObject({ status: 400, code: 'bad_request' });
    expect(errorOf(await raw(port, ['GET /v1/models HTTP/1.1', `X-Long: ${'x'.repeat(20_000)}`]))).toMatchObject({ status: 431 });
    const slow = await rawRequest(
      port,
      { pieces: [Buffer.from('GET /v1/models HTTP/1.1\r\n'), Buffer.from('Host: 127.0.0.1\r\n')], pauseMs: 200 },
      5000,
    );
    expect(errorOf(slow)).toMatchObject({ status: 408, code: 'request_timeout' });
    expect(
      errorOf(await raw(port, ['GET /v1/models HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Expect: nonsense', 'Connection: close'])),
    ).toMatchObject({ status: 417 });
    expect(errorOf(await raw(port, ['GET /v1/models HTTP/1.1', 'Connection: close']))).toMatchObject({
      status: 403,
      code: 'forbidden_host',
    });
    expect(errorOf(await raw(port, ['GET // HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Connection: close']))).toMatchObject({
      status: 404,
      code: 'unknown_endpoint',
    });
  });

  it('caps its connections (limits.maxConnections) and serves again once one is freed', async () => {
    const port = await gateway({}, { maxConnections: 2 });
    const held = await holdConnections(port, 2);
    expect(['closed', 'reset']).toContain((await raw(port, ['GET /health HTTP/1.1', 'Connection: close'])).kind);
    for (const socket of held) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(await raw(port, ['GET /health HTTP/1.1', 'Connection: close'])).toMatchObject({ kind: 'response', status: 200 });
  });
});
