import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_DEFAULTS } from '../../../shared/gateway';
import { startStandIn } from '../../../test/gateway-stand-ins';
import { GatewayService } from './gateway-service';
import { clientResponseHeaders, upstreamRequestHeaders } from './header-policy';
import { StaticUpstreams } from './upstreams';

const services: GatewayService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

/** One raw POST, so every header sent and every header answered is visible as it is on the wire. */
function post(url: string, headers: Record<string, string | string[]>, body: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: string[]; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, raw: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('headers through the gateway, against a real stand-in that echoes what it received and sets cookies', () => {
  it('forwards only the allowlisted request headers plus the upstream’s own key, and drops Set-Cookie and hop-by-hop answers', async () => {
    const standIn = await startStandIn('echo', 'm.gguf', { STANDIN_ECHO_HEADERS: '1' });
    const service = new GatewayService({ upstreams: new StaticUpstreams([standIn.upstream({ apiKey: 'upstream-own-key' })]) });
    services.push(service);
    const status = await service.apply({ ...GATEWAY_DEFAULTS, port: 0, apiKey: 'gateway-key' });
    const sessionCookie = 'llm_token_7420=the-apps-session-token; other=1';

    const answer = await post(
      `${status.url}/chat/completions`,
      {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'OpenAI/JS 5.0.0',
        'x-stainless-retry-count': '0',
        'openai-organization': 'org-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        authorization: 'Bearer gateway-key',
        cookie: sessionCookie,
        origin: 'http://localhost:3000',
        referer: 'http://localhost:3000/page',
        'x-forwarded-for': '10.0.0.9',
        'proxy-authorization': 'Basic eDp5',
        'x-custom-secret': 'stays-here',
      },
      JSON.stringify({ model: 'm.gguf', messages: [{ role: 'user', content: 'Hi' }] }),
    );

    expect(answer.status, answer.body).toBe(200);
    const received = (JSON.parse(answer.body) as { received_headers: Record<string, string> }).received_headers;
    expect(Object.keys(received).sort()).toEqual(
      [
        'accept',
        'authorization',
        'content-length',
        'content-type',
        'host',
        'openai-organization',
        'traceparent',
        'user-agent',
        'x-stainless-retry-count',
      ].sort(),
    );
    // The client's Connection is hop-by-hop; the gateway's own connection is HTTP/1.1's default, kept alive.
    expect(received.connection).toBeUndefined();
    expect(received['content-length']).toBe(
      String(Buffer.byteLength(JSON.stringify({ model: 'm.gguf', messages: [{ role: 'user', content: 'Hi' }] }))),
    );
    // The upstream's own key, never the client's (that one is the gateway's).
    expect(received.authorization).toBe('Bearer upstream-own-key');
    expect(received.host).toBe(`127.0.0.1:${standIn.port}`);
    expect(JSON.stringify(received)).not.toContain('the-apps-session-token');

    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.headers['x-hop-note']).toBeUndefined();
    expect(answer.headers['x-standin-name']).toBe('echo');
    expect(answer.headers['x-gateway-provider']).toBe('echo');
    expect(answer.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())).not.toContain('set-cookie');
  });
});

describe('the header lists one forwarded call builds', () => {
  it('upstream: the allowed client headers, then the upstream’s own Host and key', () => {
    const raw = [
      'Content-Type',
      'application/json',
      'Cookie',
      'session=1',
      'Authorization',
      'Bearer gateway-key',
      'Host',
      'gateway',
      'X-Stainless-Retry-Count',
      '0',
    ];
    expect(upstreamRequestHeaders(raw, '127.0.0.1:8080', 'Bearer upstream-key')).toEqual([
      'Content-Type',
      'application/json',
      'X-Stainless-Retry-Count',
      '0',
      'host',
      '127.0.0.1:8080',
      'authorization',
      'Bearer upstream-key',
    ]);
    expect(upstreamRequestHeaders([], 'h', undefined)).toEqual(['host', 'h']);
  });

  it('client: hop-by-hop headers, Set-Cookie and the names Connection lists stay behind; the provider is named', () => {
    const raw = [
      'Content-Type',
      'text/event-stream',
      'Connection',
      'keep-alive, X-Internal',
      'X-Internal',
      'secret',
      'Set-Cookie',
      'a=1',
      'X-Request-Id',
      '7',
    ];
    expect(clientResponseHeaders(raw, 'llamacpp')).toEqual([
      'Content-Type',
      'text/event-stream',
      'X-Request-Id',
      '7',
      'x-gateway-provider',
      'llamacpp',
    ]);
  });
});
