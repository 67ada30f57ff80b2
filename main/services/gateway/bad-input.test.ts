import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { createInterface } from 'node:readline';
import http from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GATEWAY_DEFAULTS, type GatewaySettings, type GatewayStatus } from '../../../shared/gateway';
import { isPortFree } from '../os/ports';
import { startStandIn, type RunningStandIn } from '../../../test/gateway-stand-ins';
import { GatewayService } from './gateway-service';
import type { GatewayLimits } from './limits';
import { StaticUpstreams } from './upstreams';

const services: GatewayService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

const LIMITS: Partial<GatewayLimits> = { maxBodyBytes: 1024 * 1024, headersTimeoutMs: 1000, requestTimeoutMs: 5000 };

async function gatewayOver(standIns: RunningStandIn[], settings: Partial<GatewaySettings> = {}) {
  const source = new StaticUpstreams(standIns.map((s) => s.upstream()));
  const service = new GatewayService({ upstreams: source, limits: LIMITS });
  services.push(service);
  const status = await service.apply({ ...GATEWAY_DEFAULTS, port: 0, ...settings });
  return { service, source, url: status.url!, port: Number(new URL(status.url!).port) };
}

type ErrorBody = { error: { message: string; type: string; code: string; param: string | null } };

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as ErrorBody & { choices?: Array<{ message: { content: string } }> } };
}

/** POSTs a chat request whose body streams in: the model first, then `pieces` × 64 KB, honouring backpressure. */
function streamBody(port: number, pieces: number, fill: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' } },
      (response) => {
        let body = '';
        response.on('data', (d) => (body += d));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      },
    );
    request.on('error', reject);
    request.write('{"model":"m.gguf","messages":[{"role":"user","content":"');
    const piece = fill.repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < pieces) {
        sent++;
        if (!request.write(piece)) return void request.once('drain', pump);
      }
      request.end('"}]}');
    };
    pump();
  });
}

/** The gateway still answers a good request after a bad one. */
async function stillServes(url: string) {
  const ok = await post(url, JSON.stringify({ model: 'm.gguf', messages: [{ role: 'user', content: 'hi' }] }));
  expect(ok.status).toBe(200);
  expect(ok.body.choices?.[0]?.message.content).toBe('Hello from a.');
}

describe('bad input to the gateway: a clear OpenAI-shaped error, and it keeps serving', () => {
  it('malformed JSON → 400 naming where, and nothing upstream completes it', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url } = await gatewayOver([a]);
    const bad = await post(url, '{"model": "m.gguf", "messages": [,]}');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    expect(bad.body.error.message).toMatch(/not valid JSON: "," where a value should be at byte 33/);
    // The model came first, so the request had gone upstream; the gateway aborted it there.
    const notAnObject = await post(url, '["m.gguf"]');
    expect(notAnObject.body.error.message).toMatch(/must be a JSON object/);
    await stillServes(url);
    expect((await a.stats()).completed).toBe(1);
  });

  it('missing or non-string model → 400 that lists the models to choose from', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url } = await gatewayOver([a]);
    const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
    const error = await client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'missing_model', param: 'model' });
    expect((error as Error).message).toContain('has no "model" field');
    expect((error as Error).message).toContain('m.gguf');
    const numeric = await post(url, '{"model": 7, "messages": []}');
    expect(numeric.body.error).toMatchObject({ code: 'invalid_model', param: 'model' });
    await stillServes(url);
  });

  it('unknown model → 404 listing the known ones; no healthy provider → 503 with the reason', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url, source } = await gatewayOver([a]);
    const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
    const missing = await client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as Error).message).toMatch(/"nope" is not served by any provider behind this gateway\. Served now: m\.gguf\./);
    // A near miss is named.
    const typo = await client.chat.completions.create({ model: 'M', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect((typo as Error).message).toContain('not served by any provider behind this gateway; did you mean "m.gguf"?');
    source.update('a', { healthy: false, state: 'unhealthy' });
    const down = await client.chat.completions
      .create({ model: 'm.gguf', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 503, code: 'no_healthy_provider' });
    expect((down as Error).message).toContain('a is unhealthy');
    source.update('a', { healthy: true, state: 'running' });
    await stillServes(url);
  });

  it('a provider that refuses connections → 503 naming each failure', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url } = await gatewayOver([a]);
    await a.kill9();
    const down = await post(url, JSON.stringify({ model: 'm.gguf', messages: [] }));
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('upstream_unavailable');
    expect(down.body.error.message).toMatch(/a: ECONNREFUSED/);
  });

  it('a body still streaming in when the first provider refuses reaches the next one whole', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const b = await startStandIn('b', 'm.gguf');
    const { port } = await gatewayOver([a, b], { strategy: 'priority', priority: ['a', 'b'] });
    await a.kill9();
    // The model comes first, so the gateway picks a provider while most of the body is still on its way.
    const answer = await streamBody(port, 10, 'z');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).choices[0].message.content).toBe('Hello from b.');
  }, 15_000);

  it('a long conversation with its length declared, arriving in several reads, reaches the provider whole', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url, port } = await gatewayOver([a]);
    // Over 64 KiB: more than one socket read, so a provider is picked before the body has all arrived.
    const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0, timeout: 8000 });
    const long = await client.chat.completions.create({ model: 'm.gguf', messages: [{ role: 'user', content: 'w'.repeat(300 * 1024) }] });
    expect(long.choices[0]?.message.content).toBe('Hello from a.');

    // The same with a pause between the pieces, as a slow client sends them.
    const body = Buffer.from(JSON.stringify({ model: 'm.gguf', messages: [{ role: 'user', content: 'v'.repeat(200 * 1024) }] }));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
          timeout: 8000,
        },
        (response) => {
          let text = '';
          response.on('data', (d) => (text += d));
          response.on('end', () => resolve({ status: response.statusCode!, body: text }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('no answer: the body never reached the provider whole')));
      request.on('error', reject);
      request.write(body.subarray(0, 1000));
      setTimeout(() => request.end(body.subarray(1000)), 100);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).choices[0].message.content).toBe('Hello from a.');
    expect((await a.stats()).completed).toBe(2);
  }, 20_000);

  it('a huge body → 413, whether its length is declared or it streams in chunks', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url, port } = await gatewayOver([a]);
    const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
    const big = 'x'.repeat(2 * 1024 * 1024);
    const error = await client.chat.completions
      .create({ model: 'm.gguf', messages: [{ role: 'user', content: big }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, code: 'body_too_large' });
    expect((error as Error).message).toContain('larger than the gateway accepts (1 MB)');

    // No content-length: the body streams in, and is cut off at the limit.
    const chunked = await streamBody(port, 40, 'y');
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: 'body_too_large' } });
    expect((await a.stats()).completed).toBe(0);
    await stillServes(url);
  });

  it('slowloris: headers dripping in byte by byte get a 408 after the header timeout, while others are served', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url, port } = await gatewayOver([a]);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    const started = performance.now();
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X'), 100);
    // Meanwhile the gateway serves everyone else.
    await stillServes(url);
    const closedAt = await closed;
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'request_timeout' } });
    // Cut within the header timeout (1 s) plus Node's checking interval, not left hanging.
    expect(closedAt - started).toBeLessThan(3000);
    await stillServes(url);
  });

  it('an API key, when set, is required; the Host header must be loopback', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const key = 'test-key-0123456789abcdef';
    const { url } = await gatewayOver([a], { apiKey: key });
    const anonymous = await post(url, JSON.stringify({ model: 'm.gguf', messages: [] }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    const wrong = new OpenAI({ baseURL: url, apiKey: 'test-key-0123456789abcdeX', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const right = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 });
    const reply = await right.chat.completions.create({ model: 'm.gguf', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.choices[0]!.message.content).toBe('Hello from a.');

    const rebound = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(url);
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/models',
            headers: { host: `127.0.0.1.attacker.example:${port}`, authorization: `Bearer ${key}` },
          },
          (r) => {
            r.resume();
            resolve(r.statusCode!);
          },
        )
        .on('error', reject);
    });
    expect(rebound).toBe(403);
  });

  it('unknown endpoints and wrong methods get 404 and 405 in the same shape', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url } = await gatewayOver([a]);
    const unknown = await fetch(`${url}/images/generations`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.message).toContain('POST /v1/chat/completions');
    const wrongMethod = await fetch(`${url}/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('a model id in the path that is not valid percent-encoding → 400, and the gateway keeps serving', async () => {
    const a = await startStandIn('a', 'm.gguf');
    const { url } = await gatewayOver([a]);
    const bad = await fetch(`${url}/models/%E0`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('invalid_model');
    expect((await fetch(`${url}/models/m.gguf`)).status).toBe(200);
  });

  it('refuses to listen beyond loopback without a key, and says why', async () => {
    expect(() => GatewayService.merge(GATEWAY_DEFAULTS, { host: '0.0.0.0' })).toThrow(/beyond this machine, without an API key/);
    const service = new GatewayService({ upstreams: new StaticUpstreams() });
    services.push(service);
    const status = await service.apply({ ...GATEWAY_DEFAULTS, host: '0.0.0.0', port: 0 });
    expect(status.listening).toBe(false);
    expect(status.error?.hint).toMatch(/Generate an API key/);
  });

  it("names a port this very process holds (as the host holds its page's) as the app's own, not as one to wait for", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const service = new GatewayService({ upstreams: new StaticUpstreams() });
    services.push(service);
    const status = await service.apply({ ...GATEWAY_DEFAULTS, port });
    holder.close();
    expect(status.listening).toBe(false);
    expect(status.error).toEqual({
      message: `Port ${port} on 127.0.0.1 is this app's own (its page or another of its servers), so the gateway is not listening.`,
      hint: 'Choose another port for the gateway (its default is 8400).',
    });
  });

  it('listens by itself once another process lets go of its port; a settings change in between wins', async () => {
    const holdPort = async () => {
      const holder = spawn(
        process.execPath,
        ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port); })"],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const [line] = (await once(createInterface({ input: holder.stdout }), 'line')) as [string];
      return { holder, port: Number(line) };
    };
    const letGo = async (holder: ChildProcess) => {
      holder.kill('SIGKILL');
      if (holder.exitCode === null && holder.signalCode === null) await once(holder, 'exit');
    };

    const { holder, port } = await holdPort();
    const service = new GatewayService({ upstreams: new StaticUpstreams(), busyPortRetryMs: 50 });
    services.push(service);
    const told: GatewayStatus[] = [];
    service.on('changed', (status) => told.push(status));
    const status = await service.apply({ ...GATEWAY_DEFAULTS, port });
    expect(status.listening).toBe(false);
    expect(status.error?.message).toContain(`already in use by PID ${holder.pid}`);
    expect(status.error?.hint).toMatch(/starts listening by itself once the port is free/);
    // Retries while it is held change nothing anyone is told.
    await new Promise((r) => setTimeout(r, 300));
    expect(told.map((t) => t.listening)).toEqual([false]);
    await letGo(holder);
    await vi.waitFor(() => expect(service.status().listening).toBe(true), { timeout: 5_000, interval: 20 });
    expect(told.at(-1)).toMatchObject({ listening: true, url: `http://127.0.0.1:${port}/v1` });
    expect(told.at(-1)?.error).toBeUndefined();
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(200);

    // Turned off while waiting for the port: it stays off when the port frees.
    const second = await holdPort();
    const off = new GatewayService({ upstreams: new StaticUpstreams(), busyPortRetryMs: 50 });
    services.push(off);
    expect((await off.apply({ ...GATEWAY_DEFAULTS, port: second.port })).listening).toBe(false);
    await off.apply({ ...GATEWAY_DEFAULTS, port: second.port, enabled: false });
    await letGo(second.holder);
    await new Promise((r) => setTimeout(r, 300));
    expect(off.status().listening).toBe(false);
    expect(await isPortFree(second.port)).toBe(true);
  });
});
