import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_DEFAULTS } from '../../../shared/gateway';
import { startStandIn } from '../../../test/gateway-stand-ins';
import { GatewayService } from './gateway-service';
import { StaticUpstreams } from './upstreams';

const services: GatewayService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

const CHAT = JSON.stringify({ model: 'm.gguf', messages: [{ role: 'user', content: 'Hi' }] });

async function gateway(settings: Partial<typeof GATEWAY_DEFAULTS> = {}) {
  const standIn = await startStandIn('echo', 'm.gguf', { STANDIN_ECHO_HEADERS: '1' });
  const service = new GatewayService({ upstreams: new StaticUpstreams([standIn.upstream()]) });
  services.push(service);
  const status = await service.apply({ ...GATEWAY_DEFAULTS, port: 0, ...settings });
  return { service, url: status.url!, standIn };
}

/** What a browser sends before a JSON POST from another origin (fetch's preflight). */
const preflight = (url: string, origin: string) =>
  fetch(`${url}/chat/completions`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-stainless-os',
    },
  });

describe('web pages calling the gateway from a browser (CORS)', () => {
  it('a page served from this machine gets its preflight and its answer, marked for its origin only', async () => {
    const { url } = await gateway({ apiKey: 'gateway-key-0123456789' });
    const origin = 'http://localhost:5173';
    // Before the key: a browser never sends credentials with a preflight.
    const pre = await preflight(url, origin);
    expect(pre.status).toBe(204);
    expect(Object.fromEntries(pre.headers)).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization,content-type,x-stainless-os',
      vary: 'Origin',
    });

    const answer = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', authorization: 'Bearer gateway-key-0123456789' },
      body: CHAT,
    });
    expect(answer.status).toBe(200);
    // The upstream's own "*" does not reach the page: the gateway decides who may read.
    expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    expect(answer.headers.get('access-control-expose-headers')).toBe('x-gateway-provider');
    expect(answer.headers.get('x-gateway-provider')).toBe('echo');
    // A refusal is readable by the page too, so it can say what went wrong.
    const noKey = await fetch(`${url}/models`, { headers: { origin } });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('any other site is refused, preflight or not, and told where to allow it; clients without an Origin are unaffected', async () => {
    const { url, service, standIn } = await gateway();
    const origin = 'https://some-site.example';
    const pre = await preflight(url, origin);
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    // A "simple" request needs no preflight: it must not reach a provider either.
    const simple = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain' },
      body: CHAT,
    });
    expect(simple.status).toBe(403);
    expect(await simple.json()).toMatchObject({
      error: { code: 'forbidden_origin', message: expect.stringContaining('Web pages allowed (CORS)') },
    });
    expect((await standIn.stats()).requests).toBe(0);
    expect(
      (await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT })).status,
    ).toBe(200);

    // Allowed in the settings: at once, without a restart.
    await service.apply({ ...GATEWAY_DEFAULTS, port: 0, corsOrigins: ['https://some-site.example'] });
    expect((await preflight(url, origin)).status).toBe(204);
    expect((await preflight(url, 'http://localhost:5173')).status).toBe(403);
    expect(service.status().corsOrigins).toEqual(['https://some-site.example']);
  });
});
