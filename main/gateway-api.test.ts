import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayStatus, TryChatRequest, TryChatResult } from '../shared/gateway';
import type { OnDemandStatus } from '../shared/on-demand';
import type { ProviderSummary } from '../shared/provider';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { tempDir } from '../test/temp-dir';
import { createHost, type Host } from './host';

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function hostWithGatewayOnAnyPort(settings: Record<string, unknown> = {}, engineEntry?: string) {
  const root = await tempDir();
  const base = path.join(root, 'base');
  await mkdir(path.join(base, 'config'), { recursive: true });
  await mkdir(path.join(base, 'models'), { recursive: true });
  writeTinyGguf(path.join(base, 'models', 'tiny.gguf'));
  await writeFile(path.join(base, 'config', 'settings.json'), JSON.stringify({ gateway: { port: 0 }, ...settings }));
  const host = await createHost({
    mode: 'headless',
    env: { ...process.env, HELIX_LOCAL_LLM_DIR: base },
    appConfigDir: path.join(root, 'app'),
    reportBug: () => {},
    engineEntry,
  });
  hosts.push(host);
  const call = async <T>(method: string, params?: unknown): Promise<T> => {
    const envelope = await host.rpc.dispatch(method, params, { via: 'memory', connectionId: 'test' });
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.result as T;
  };
  return { host, call, settingsFile: path.join(base, 'config', 'settings.json') };
}

describe('the gateway through the contract', () => {
  it('starts with the host, takes a generated key, strategies and priorities, and saves them', async () => {
    const { host, call, settingsFile } = await hostWithGatewayOnAnyPort();
    const events: GatewayStatus[] = [];
    host.rpc.addEventSink((frame) => frame.topic === 'gateway.changed' && events.push(frame.payload as GatewayStatus));
    const first = await call<GatewayStatus>('gateway.status');
    expect(first).toMatchObject({ enabled: true, listening: true, host: '127.0.0.1', strategy: 'round-robin', routes: [] });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const keyed = await call<GatewayStatus>('gateway.update', {
      generateKey: true,
      strategy: 'least-busy',
      modelStrategy: { model: 'm', strategy: 'priority' },
      priority: ['engine'],
    });
    expect(keyed.apiKey).toMatch(/^llm-[\w-]{32}$/);
    expect(keyed).toMatchObject({ strategy: 'least-busy', modelStrategies: { m: 'priority' }, priority: ['engine'], url: first.url });
    expect(events.at(-1)).toMatchObject({ apiKey: keyed.apiKey });
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as { gateway: Record<string, unknown> };
    expect(saved.gateway).toMatchObject({ apiKey: keyed.apiKey, strategy: 'least-busy', port: 0 });

    // The key applies at once, without a restart.
    const anonymous = new OpenAI({ baseURL: keyed.url, apiKey: 'wrong-key-wrong-key', maxRetries: 0 });
    await expect(anonymous.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const client = new OpenAI({ baseURL: keyed.url, apiKey: keyed.apiKey!, maxRetries: 0 });
    await expect(client.models.list()).resolves.toBeDefined();

    const cleared = await call<GatewayStatus>('gateway.update', { apiKey: null, modelStrategy: { model: 'm', strategy: null } });
    expect(cleared.apiKey).toBeUndefined();
    expect(cleared.modelStrategies).toEqual({});
  });

  it('refuses a bind beyond loopback without a key, with the fix in the hint, and can be turned off and on', async () => {
    const { call } = await hostWithGatewayOnAnyPort();
    await expect(call('gateway.update', { host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      hint: expect.stringContaining('API key'),
    });
    await expect(call('gateway.update', { apiKey: 'short' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const off = await call<GatewayStatus>('gateway.update', { enabled: false });
    expect(off).toMatchObject({ enabled: false, listening: false });
    expect(off.url).toBeUndefined();
    await expect(call('gateway.try', { id: 't1', model: 'm', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const on = await call<GatewayStatus>('gateway.update', { enabled: true });
    expect(on.listening).toBe(true);
  });

  it('loads a model on demand: listed unloaded, a cold request starts the engine with the user’s tuning, gateway.unload stops it; its instance is no tile', async () => {
    const engineEntry = path.resolve(import.meta.dirname, '../out/main/engine.js');
    const { host, call, settingsFile } = await hostWithGatewayOnAnyPort(
      { providers: { engine: { threads: 1, contextSize: 512, parallel: 2 } } },
      engineEntry,
    );
    const before = await call<OnDemandStatus>('gateway.models');
    expect(before.settings).toEqual({ enabled: true, ttlSec: 600, maxLoadedModels: 1, memoryCheck: true, provider: 'engine' });
    expect(before.models).toEqual([expect.objectContaining({ id: 'tiny.gguf', state: 'unloaded' })]);

    await call('gateway.update', { onDemand: { ttlSec: 120, maxLoadedModels: 2 } });
    // The file keeps the port it had and gets the two fields changed, not every default beside them (those keep following the app's defaults).
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as { gateway: unknown };
    expect(saved.gateway).toEqual({ port: 0, onDemand: { ttlSec: 120, maxLoadedModels: 2 } });
    expect((await call<OnDemandStatus>('gateway.models')).settings).toEqual({
      enabled: true,
      ttlSec: 120,
      maxLoadedModels: 2,
      memoryCheck: true,
      provider: 'engine',
    });
    await expect(call('gateway.update', { onDemand: { ttlSec: -5 } })).rejects.toThrow(/ttlSec/);

    const url = (await call<GatewayStatus>('gateway.status')).url!;
    const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0, timeout: 60_000 });
    // Greedy, as the turns below: sampled, the tiny model may end its answer at once (CI saw an empty one).
    const reply = await client.chat.completions.create({
      model: 'tiny.gguf',
      messages: [{ role: 'user', content: 'hello there' }],
      max_tokens: 4,
      temperature: 0,
    });
    expect(reply.usage?.completion_tokens).toBe(4);
    expect(reply.choices[0]!.message.content?.length).toBeGreaterThan(0);
    // The Chat page's turns: usage comes back (prompt, completion, what the engine's cache held), and the temperature is passed on.
    const turn = (id: string, messages: TryChatRequest['messages']) =>
      call<TryChatResult>('gateway.try', { id, model: 'tiny.gguf', messages, maxTokens: 4, temperature: 0 });
    const first = await turn('c1', [{ role: 'user', content: 'hello there' }]);
    expect(first.usage).toMatchObject({ completionTokens: 4, promptTokens: expect.any(Number) });
    const again = await turn('c2', [{ role: 'user', content: 'hello there' }]);
    expect(again.text).toBe(first.text);
    const second = await turn('c3', [
      { role: 'user', content: 'hello there' },
      { role: 'assistant', content: first.text },
      { role: 'user', content: 'and then?' },
    ]);
    expect(second.usage!.promptTokens).toBeGreaterThan(first.usage!.promptTokens);
    expect(second.usage!.cachedTokens).toBeGreaterThan(0);
    const loaded = (await call<OnDemandStatus>('gateway.models')).models[0]!;
    expect(loaded).toMatchObject({ state: 'loaded', instanceId: 'engine~tiny.gguf', provider: 'engine' });
    expect(
      host.logs
        .tail('engine~tiny.gguf', 100)
        .map((l) => l.text)
        .join('\n'),
    ).toContain('(ctx 512, threads 1, parallel 2)');
    // The instance is the gateway's, not a tile: the providers list and the engine's own tile are unchanged.
    const providers = await call<{ providers: ProviderSummary[] }>('providers.list');
    expect(providers.providers.some((p) => p.id.includes('~'))).toBe(false);
    expect(providers.providers.find((p) => p.id === 'engine')?.state.status).not.toBe('running');

    const after = await call<OnDemandStatus>('gateway.unload', { model: 'tiny.gguf' });
    expect(after.models[0]).toMatchObject({ state: 'unloaded', reason: 'unloaded by the user' });
    await expect(call('gateway.unload', { model: 'tiny.gguf' })).rejects.toThrow(/not loaded on demand/);
  });
});
