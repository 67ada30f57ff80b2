import http from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_DEFAULTS, type GatewaySettings } from '../../../shared/gateway';
import { startStandIn, type RunningStandIn } from '../../../test/gateway-stand-ins';
import { GatewayService } from './gateway-service';
import type { GatewayLimits } from './limits';
import { StaticUpstreams } from './upstreams';

const services: GatewayService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

async function gatewayOver(standIns: RunningStandIn[], settings: Partial<GatewaySettings> = {}, limits: Partial<GatewayLimits> = {}) {
  const source = new StaticUpstreams(standIns.map((s) => s.upstream()));
  const service = new GatewayService({ upstreams: source, limits });
  services.push(service);
  const status = await service.apply({ ...GATEWAY_DEFAULTS, port: 0, ...settings });
  expect(status.listening).toBe(true);
  const client = new OpenAI({ baseURL: status.url, apiKey: settings.apiKey ?? 'not-needed', maxRetries: 0 });
  return { service, source, client, url: status.url! };
}

const ask = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).then((r) => r.choices[0]!.message.content);

async function requestCounts(...standIns: RunningStandIn[]): Promise<number[]> {
  return Promise.all(standIns.map(async (s) => (await s.stats()).requests));
}

describe('the gateway, through the official openai client, in front of real stand-in servers', () => {
  it('lists the union of models with the providers that serve each, and routes by model', async () => {
    const [a, b, c] = await Promise.all([startStandIn('a', 'alpha.gguf'), startStandIn('b', 'beta.gguf'), startStandIn('c', 'alpha.gguf')]);
    const { client } = await gatewayOver([a!, b!, c!]);

    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((m) => [m.id, m.owned_by]).sort()).toEqual([
      ['alpha.gguf', 'a, c'],
      ['beta.gguf', 'b'],
    ]);

    expect(await ask(client, 'beta.gguf')).toBe('Hello from b.');
    expect(['Hello from a.', 'Hello from c.']).toContain(await ask(client, 'alpha.gguf'));
    const completion = await client.completions.create({ model: 'beta.gguf', prompt: 'Once' });
    expect(completion.choices[0]!.text).toBe('Hello from b.');
    const embedding = await client.embeddings.create({ model: 'alpha.gguf', input: ['abc', 'de'] });
    expect(embedding.data.map((d) => d.embedding[0])).toEqual([3, 2]);
    expect(await requestCounts(a!, b!, c!)).toEqual([expect.any(Number), 2, expect.any(Number)]);
  });

  it('round-robin spreads requests evenly over two providers of one model', async () => {
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf'), startStandIn('b', 'm.gguf')]);
    const { client } = await gatewayOver([a!, b!], { strategy: 'round-robin' });
    for (let i = 0; i < 20; i++) await ask(client, 'm.gguf');
    expect(await requestCounts(a!, b!)).toEqual([10, 10]);
  });

  it('least-busy keeps new requests off a provider that is still busy', async () => {
    // a holds each request for 500 ms; b answers at once. A request every 20 ms finds a busy
    // most of the time, so it goes to b; round-robin would have split them 15/15.
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf', { STANDIN_FIRST_BYTE_MS: '500' }), startStandIn('b', 'm.gguf')]);
    const { client } = await gatewayOver([a!, b!], { strategy: 'least-busy' });
    const pending = [];
    for (let i = 0; i < 30; i++) {
      pending.push(ask(client, 'm.gguf'));
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(pending);
    const [toA, toB] = await requestCounts(a!, b!);
    expect(toA! + toB!).toBe(30);
    expect(toA).toBeLessThanOrEqual(6);
  });

  it('lowest-latency sends nearly everything to the provider with the faster first byte', async () => {
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf', { STANDIN_FIRST_BYTE_MS: '80' }), startStandIn('b', 'm.gguf')]);
    const { client } = await gatewayOver([a!, b!], { strategy: 'lowest-latency' });
    for (let i = 0; i < 20; i++) await ask(client, 'm.gguf');
    const [toA, toB] = await requestCounts(a!, b!);
    // Each is tried once (no measurement yet counts as fastest); after that b wins every time.
    expect(toA).toBe(1);
    expect(toB).toBe(19);
  });

  it('priority sends everything to the first, falls back when it leaves, and returns when it is back', async () => {
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf'), startStandIn('b', 'm.gguf')]);
    const { client, source } = await gatewayOver([a!, b!], { strategy: 'priority', priority: ['b', 'a'] });
    for (let i = 0; i < 5; i++) await ask(client, 'm.gguf');
    expect(await requestCounts(a!, b!)).toEqual([0, 5]);
    source.update('b', { healthy: false, state: 'unhealthy' });
    for (let i = 0; i < 5; i++) await ask(client, 'm.gguf');
    // Marked unhealthy, b left the rotation at once: not even one request went to it.
    expect(await requestCounts(a!, b!)).toEqual([5, 5]);
    source.update('b', { healthy: true, state: 'running' });
    await ask(client, 'm.gguf');
    expect(await requestCounts(a!, b!)).toEqual([5, 6]);
  });

  it('a per-model strategy wins over the default one', async () => {
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf'), startStandIn('b', 'm.gguf')]);
    const { client, service } = await gatewayOver([a!, b!], {
      strategy: 'round-robin',
      modelStrategies: { 'm.gguf': 'priority' },
      priority: ['a'],
    });
    for (let i = 0; i < 4; i++) await ask(client, 'm.gguf');
    expect(await requestCounts(a!, b!)).toEqual([4, 0]);
    expect(service.status().routes).toEqual([expect.objectContaining({ model: 'm.gguf', strategy: 'priority' })]);
  });

  it('streams chunk by chunk, the same chunks a client gets from the provider directly', async () => {
    const reply = 'one two three four five six seven eight';
    const a = await startStandIn('a', 'm.gguf', { STANDIN_REPLY: reply, STANDIN_TOKEN_MS: '15' });
    const { client } = await gatewayOver([a]);
    const direct = new OpenAI({ baseURL: `${a.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 });
    const collect = async (c: OpenAI) => {
      const stream = await c.chat.completions.create({
        model: 'm.gguf',
        messages: [{ role: 'user', content: 'count' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const deltas: string[] = [];
      const arrivals: number[] = [];
      let usage;
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta.content;
        if (text) {
          deltas.push(text);
          arrivals.push(performance.now());
        }
        if (chunk.usage) usage = chunk.usage;
      }
      return { deltas, arrivals, usage };
    };
    const through = await collect(client);
    const straight = await collect(direct);
    expect(through.deltas).toEqual(straight.deltas);
    expect(through.deltas.join('')).toBe(reply);
    expect(through.usage).toEqual(straight.usage);
    // Chunk by chunk: the pieces arrived spread over the stream, not all at once at the end.
    expect(through.arrivals.at(-1)! - through.arrivals[0]!).toBeGreaterThan(15 * 4);
  });

  it('holds the provider back when the client does not read: backpressure, not buffering', async () => {
    // 64 MB of tokens. A gateway that buffered would drain the provider within a second.
    const total = 4096 * 16 * 1024;
    const a = await startStandIn('a', 'm.gguf', { STANDIN_STREAM_TOKENS: '4096', STANDIN_TOKEN_BYTES: String(16 * 1024) });
    const { url } = await gatewayOver([a]);
    const { port } = new URL(url);
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
    });
    const response = await new Promise<http.IncomingMessage>((resolve) => {
      request.on('response', resolve);
      request.end(JSON.stringify({ model: 'm.gguf', messages: [{ role: 'user', content: 'go' }], stream: true }));
    });
    response.pause(); // and never read
    await new Promise((r) => setTimeout(r, 1500));
    const stalled = await a.stats();
    expect(stalled).toMatchObject({ inFlight: 1, completed: 0 });
    expect(stalled.streamedBytes).toBeLessThan(total / 2);
    // Reading again lets it run to the end.
    let received = 0;
    response.on('data', (chunk: Buffer) => (received += chunk.length));
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(received).toBeGreaterThan(total);
    expect(await a.stats()).toMatchObject({ inFlight: 0, completed: 1 });
  });

  it('kill -9 of one provider during a run: every non-streaming request still succeeds via the other', async () => {
    const [a, b] = await Promise.all([
      startStandIn('a', 'm.gguf', { STANDIN_FIRST_BYTE_MS: '20' }),
      startStandIn('b', 'm.gguf', { STANDIN_FIRST_BYTE_MS: '20' }),
    ]);
    const { client, service } = await gatewayOver([a!, b!]);
    let done = 0;
    let killed: Promise<void> | undefined;
    const worker = async () => {
      const answers: string[] = [];
      for (let i = 0; i < 15; i++) {
        answers.push((await ask(client, 'm.gguf'))!);
        if (++done === 12) killed = a!.kill9();
      }
      return answers;
    };
    const answers = (await Promise.all([worker(), worker(), worker(), worker()])).flat();
    await killed;
    expect(answers).toHaveLength(60);
    expect(answers.every((text) => text === 'Hello from a.' || text === 'Hello from b.')).toBe(true);
    const stats = service.statsSnapshot().upstreams.find((s) => s.providerId === 'a');
    expect(stats?.errors).toBeGreaterThan(0);
    expect(stats?.coolingDownUntil).toBeDefined();
  });

  it('retries a 5xx before the first byte on the next provider, and cools the failing one down', async () => {
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf', { STANDIN_FAIL_STATUS: '503' }), startStandIn('b', 'm.gguf')]);
    const { client } = await gatewayOver([a!, b!], { strategy: 'priority', priority: ['a', 'b'] });
    for (let i = 0; i < 5; i++) expect(await ask(client, 'm.gguf')).toBe('Hello from b.');
    // One failure, then a sat out its cool-down rather than being asked again.
    expect(await requestCounts(a!, b!)).toEqual([1, 5]);
  });

  it('passes a 5xx through as it is when no other provider is left', async () => {
    const a = await startStandIn('a', 'm.gguf', { STANDIN_FAIL_STATUS: '500' });
    const { client } = await gatewayOver([a]);
    const error = await ask(client, 'm.gguf').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('simulated failure');
  });

  it('after the first byte, an upstream failure reaches the client as a cut stream, with no retry', async () => {
    const [a, b] = await Promise.all([
      startStandIn('a', 'm.gguf', { STANDIN_REPLY: 'w '.repeat(40), STANDIN_TOKEN_MS: '10', STANDIN_CRASH_AFTER_TOKENS: '5' }),
      startStandIn('b', 'm.gguf'),
    ]);
    const { client } = await gatewayOver([a!, b!], { strategy: 'priority', priority: ['a', 'b'] });
    const stream = await client.chat.completions.create({ model: 'm.gguf', messages: [{ role: 'user', content: 'go' }], stream: true });
    let received = 0;
    const outcome = await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) received++;
      return 'complete';
    })().catch((error: Error) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect(received).toBe(5);
    expect((await b!.stats()).requests).toBe(0);
  });

  it('a client that goes away mid-stream cancels the upstream request', async () => {
    const a = await startStandIn('a', 'm.gguf', { STANDIN_REPLY: 'w '.repeat(100), STANDIN_TOKEN_MS: '50' });
    const { client, service } = await gatewayOver([a]);
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm.gguf', messages: [{ role: 'user', content: 'go' }], stream: true },
      { signal: abort.signal },
    );
    let received = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content && ++received === 3) abort.abort();
      }
    })().catch(() => undefined);
    const deadline = Date.now() + 3000;
    let stats = await a.stats();
    while ((stats.aborted !== 1 || stats.inFlight !== 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      stats = await a.stats();
    }
    expect(stats).toMatchObject({ requests: 1, aborted: 1, completed: 0, inFlight: 0 });
    const mine = service.statsSnapshot().upstreams.find((s) => s.providerId === 'a');
    expect(mine).toMatchObject({ inFlight: 0, errors: 0 });
  });

  it('reports per-provider stats as events: requests, in flight, latency and tokens per second', async () => {
    const [a, b] = await Promise.all([startStandIn('a', 'm.gguf'), startStandIn('b', 'm.gguf')]);
    const source = new StaticUpstreams([a!.upstream(), b!.upstream()]);
    const service = new GatewayService({ upstreams: source, statsIntervalMs: 50 });
    services.push(service);
    const status = await service.apply({ ...GATEWAY_DEFAULTS, port: 0 });
    const client = new OpenAI({ baseURL: status.url, apiKey: 'x', maxRetries: 0 });
    const events: Array<ReturnType<GatewayService['statsSnapshot']>> = [];
    service.on('stats', (s) => events.push(s));
    for (let i = 0; i < 6; i++) await ask(client, 'm.gguf');
    await new Promise((r) => setTimeout(r, 150));
    const last = events.at(-1)!;
    for (const id of ['a', 'b']) {
      const stats = last.upstreams.find((s) => s.providerId === id)!;
      expect(stats).toMatchObject({ requests: 3, errors: 0, inFlight: 0 });
      expect(stats.p50Ms).toBeGreaterThan(0);
      expect(stats.p95Ms).toBeGreaterThanOrEqual(stats.p50Ms!);
      expect(stats.ttfbMs).toBeGreaterThan(0);
      // The stand-in's usage says 3 completion tokens per answer.
      expect(stats.tokensPerSec).toBeGreaterThan(0);
    }
  });
});
