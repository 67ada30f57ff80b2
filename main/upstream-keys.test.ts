import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoveryResults } from '../shared/discovery';
import type { GatewayStatus } from '../shared/gateway';
import type { ProviderState, ProviderSummary } from '../shared/provider';
import type { KeysStatus } from '../shared/upstream-keys';
import { startKeyedTabby, STAND_IN_KEYED_TABBYAPI } from '../test/keyed-stand-in';
import { tempDir } from '../test/temp-dir';
import { trustRecipeFile } from '../test/trust-recipe';
import { createHost, type Host } from './host';

const KEY = 'tabby-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const MODEL = 'Qwen3-8B-exl3';

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

/** A real host with the gateway on a free port, no periodic scan, and the given endpoints probed. */
async function keyedHost(endpoints: string[] = [], prepare?: (base: string) => Promise<void>) {
  const root = await tempDir();
  const base = path.join(root, 'base');
  await mkdir(path.join(base, 'config'), { recursive: true });
  await writeFile(
    path.join(base, 'config', 'settings.json'),
    JSON.stringify({ gateway: { port: 0, onDemand: { enabled: false } }, discovery: { endpoints, intervalSec: 0 } }),
  );
  await prepare?.(base);
  const host = await createHost({
    mode: 'headless',
    env: { ...process.env, HELIX_LOCAL_LLM_DIR: base },
    appConfigDir: path.join(root, 'app'),
    reportBug: () => {},
  });
  hosts.push(host);
  const events: Array<{ topic: string; payload: unknown }> = [];
  host.rpc.addEventSink((frame) => events.push({ topic: frame.topic, payload: frame.payload }));
  const call = async <T>(method: string, params?: unknown): Promise<T> => {
    const envelope = await host.rpc.dispatch(method, params, { via: 'memory', connectionId: 'test' });
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.result as T;
  };
  const gatewayClient = async () => {
    const { url } = await call<GatewayStatus>('gateway.status');
    return new OpenAI({ baseURL: url!, apiKey: 'not-needed', maxRetries: 0, timeout: 10_000 });
  };
  return { host, base, call, events, gatewayClient };
}

describe('keys for locked upstreams', () => {
  it('a TabbyAPI the user runs behind a key is locked, refuses a wrong key, and with the right one is routed to by the gateway', async () => {
    const tabby = await startKeyedTabby(KEY, MODEL);
    const endpoint = `127.0.0.1:${tabby.port}`;
    const { base, call, events, gatewayClient } = await keyedHost([endpoint]);
    const serverAt = (results: DiscoveryResults) => results.servers.find((s) => s.key === endpoint)!;

    const locked = serverAt(await call<DiscoveryResults>('discovery.scan'));
    expect(locked).toMatchObject({ kind: 'provider', providerId: 'tabbyapi', locked: { status: 401 }, models: [] });
    const client = await gatewayClient();
    await expect(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 404,
    });

    // A wrong key on the tile (the provider): still locked, and it says the key was refused.
    const wrong = await call<KeysStatus>('keys.set', { provider: 'tabbyapi', key: 'not-the-key' });
    expect(wrong.keys).toEqual([{ target: { provider: 'tabbyapi' }, last4: '-key', source: 'saved' }]);
    expect(serverAt(await call<DiscoveryResults>('discovery.results')).locked).toEqual({ status: 401, keyRefused: true });
    const tile = await call<ProviderSummary>('providers.get', { id: 'tabbyapi' });
    expect(tile.state).toMatchObject({ status: 'external', external: { lockedStatus: 401, keyRefused: true } });
    expect(tile.state.reason).toMatch(/the key was refused \(401\)/);

    // The right key for the endpoint: probed again at once, unlocked, its model listed and routed.
    const saved = await call<KeysStatus>('keys.set', { endpoint: `localhost:${tabby.port}`, key: ` ${KEY} ` });
    expect(saved.keys).toContainEqual({ target: { endpoint }, last4: 'e8f9', source: 'saved' });
    const open = serverAt(await call<DiscoveryResults>('discovery.results'));
    expect(open).toMatchObject({ providerId: 'tabbyapi', withKey: true, models: [MODEL], healthy: true });
    expect(open.locked).toBeUndefined();
    const gateway = await call<GatewayStatus>('gateway.status');
    expect(gateway.routes.find((r) => r.model === MODEL)?.targets).toEqual([
      expect.objectContaining({ providerId: `tabbyapi@${endpoint}`, healthy: true }),
    ]);
    const answer = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from the keyed TabbyAPI stand-in.');
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed.trim()).toBe('Hello from the keyed TabbyAPI stand-in.');

    // The key is in the 0600 key file only: not in settings, not in any event or answer a client gets.
    const keysFile = path.join(base, 'config', 'keys.json');
    expect((await stat(keysFile)).mode & 0o777).toBe(process.platform === 'win32' ? expect.any(Number) : 0o600);
    expect(await readFile(keysFile, 'utf8')).toContain(KEY);
    expect(await readFile(path.join(base, 'config', 'settings.json'), 'utf8')).not.toContain(KEY);
    expect(events.filter((e) => JSON.stringify(e).includes(KEY)).map((e) => JSON.stringify(e).slice(0, 3000))).toEqual([]);
    expect(JSON.stringify(await call('discovery.results'))).not.toContain(KEY);
    expect(events.some((e) => e.topic === 'keys.changed')).toBe(true);

    // Removed: locked again at once, and out of the rotation.
    await call<KeysStatus>('keys.remove', { endpoint });
    await call<KeysStatus>('keys.remove', { provider: 'tabbyapi' });
    expect(serverAt(await call<DiscoveryResults>('discovery.results')).locked).toEqual({ status: 401 });
    await expect(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses a key that is no key, or for a provider the catalog does not have, saying how to fix it', async () => {
    const { call } = await keyedHost();
    await expect(call('keys.set', { provider: 'tabbyapi', key: 'Bearer abc' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/without "Bearer "/),
    });
    await expect(call('keys.set', { provider: 'no-such-provider', key: 'abc' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('keys.set', { endpoint: 'gpu box', key: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('keys.remove', { endpoint: '10.0.0.9:8000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call<KeysStatus>('keys.status')).resolves.toEqual({ storage: 'file', notes: [], keys: [] });
  });

  it('a TabbyAPI we start writes its own key file; the app reads it once healthy and routes to it with no key given', async () => {
    const { call, base, gatewayClient } = await keyedHost([], (baseDir) =>
      writeKeyedRecipe(baseDir, 'keyed-tabby', [], { keyFile: { file: 'api_tokens.yml', field: 'api_key' } }),
    );
    const state = await call<ProviderState>('providers.start', { id: 'keyed-tabby' });
    expect(state.status).toBe('running');
    const tokens = await readFile(path.join(base, 'data', 'keyed-tabby', 'api_tokens.yml'), 'utf8');
    const apiKey = /^api_key: (\w+)$/m.exec(tokens)![1]!;
    await expect.poll(async () => (await call<ProviderSummary>('providers.get', { id: 'keyed-tabby' })).state.models).toEqual([MODEL]);
    expect((await call<ProviderSummary>('providers.get', { id: 'keyed-tabby' })).state.locked).toBeUndefined();
    const status = await call<KeysStatus>('keys.status');
    expect(status.keys).toEqual([{ target: { provider: 'keyed-tabby' }, last4: apiKey.slice(-4), source: 'provider-file' }]);
    expect(JSON.stringify(status)).not.toContain(apiKey);

    const client = await gatewayClient();
    const answer = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from the keyed TabbyAPI stand-in.');
    await call('providers.stop', { id: 'keyed-tabby' });
  });

  it('one we start with a key of the user’s (vLLM --api-key) runs locked until its key is added on the tile, then lists its model and is routed to', async () => {
    const { call, events, gatewayClient } = await keyedHost([], (baseDir) => writeKeyedRecipe(baseDir, 'keyed-vllm', ['--key', KEY]));
    expect((await call<ProviderState>('providers.start', { id: 'keyed-vllm' })).status).toBe('running');
    await expect
      .poll(async () => (await call<ProviderSummary>('providers.get', { id: 'keyed-vllm' })).state.locked)
      .toEqual({ status: 401, keyRefused: false });
    const client = await gatewayClient();
    await expect(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 404,
    });

    await call<KeysStatus>('keys.set', { provider: 'keyed-vllm', key: 'not-the-key' });
    expect((await call<ProviderSummary>('providers.get', { id: 'keyed-vllm' })).state.locked).toEqual({ status: 401, keyRefused: true });
    await call<KeysStatus>('keys.set', { provider: 'keyed-vllm', key: KEY });
    const state = (await call<ProviderSummary>('providers.get', { id: 'keyed-vllm' })).state;
    expect(state.locked).toBeUndefined();
    expect(state.models).toEqual([MODEL]);
    const answer = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from the keyed TabbyAPI stand-in.');
    // Its own start command holds the key (the user put it there); nothing of ours repeats it.
    expect(events.filter((e) => e.topic !== 'logs.lines' && JSON.stringify(e).includes(KEY))).toEqual([]);
    await call('providers.stop', { id: 'keyed-vllm' });
  });
});

/** The keyed stand-in as a confirmed user recipe, the way a user adds a custom provider. */
async function writeKeyedRecipe(baseDir: string, id: string, args: string[], extra: Record<string, unknown> = {}): Promise<void> {
  const dir = path.join(baseDir, 'config', 'providers.d');
  await mkdir(dir, { recursive: true });
  const recipe = {
    id,
    name: `Keyed stand-in ${id}`,
    description: 'A real process answering 401 without its key, as TabbyAPI (or vLLM with --api-key) does.',
    homepage: 'https://github.com/theroyallab/tabbyAPI',
    defaultPort: 45000 + Math.floor(Math.random() * 5000),
    api: 'openai',
    platforms: [{ os: 'linux' }, { os: 'darwin' }, { os: 'win32' }],
    install: { strategy: 'none' },
    start: [{ name: 'server', argv: [process.execPath, STAND_IN_KEYED_TABBYAPI, '--host', '{host}', '--port', '{port}', ...args] }],
    health: { path: '/health', json: { status: 'healthy' } },
    ...extra,
  };
  await writeFile(path.join(dir, `${id}.yaml`), stringify(recipe));
  await trustRecipeFile(baseDir, path.join(dir, `${id}.yaml`));
}
