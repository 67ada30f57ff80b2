import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { OnDemandSettings } from '../../../shared/on-demand';
import { RecipeSchema } from '../../../shared/recipe';
import { engine } from '../../builtin-recipes/recipes/engine';
import { startOnDemandGateway, type OnDemandFixtureOptions } from '../../../test/on-demand-fixture';
import type { OnDemandLoader } from './on-demand-loader';

// The real built engine (npm run build) with the generated tiny model, behind the real gateway.
const ENGINE_ENTRY = path.resolve(import.meta.dirname, '../../../out/main/engine.js');
const ENGINE = RecipeSchema.parse(engine);
const CHAT = { messages: [{ role: 'user' as const, content: 'hello world' }], max_tokens: 8, temperature: 0 };

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(onDemand: Partial<OnDemandSettings> = {}, loader: NonNullable<OnDemandFixtureOptions['loader']> = {}) {
  const fixture = await startOnDemandGateway({
    models: ['tiny-a.gguf', 'tiny-b.gguf'],
    provider: { id: 'engine', recipe: ENGINE },
    onDemand,
    settings: { startupTimeoutSec: 60 },
    engineEntry: ENGINE_ENTRY,
    loader: { tuning: () => ({ threads: 1, contextSize: 512 }), ...loader },
  });
  cleanups.push(fixture.cleanup);
  await writeFile(path.join(fixture.paths.models, 'broken.gguf'), 'this is not a model\n'.repeat(100));
  const client = new OpenAI({ baseURL: fixture.url, apiKey: 'not-needed', maxRetries: 0, timeout: 60_000 });
  return { ...fixture, client };
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const modelState = (loader: OnDemandLoader, id: string) => loader.status().models.find((m) => m.id === id);

describe('load on demand through the gateway, with the real engine and the tiny model', () => {
  it('lists unloaded models, starts one for a cold streaming request, and streams its answer', async () => {
    const { loader, client, supervisor, url } = await setup();
    const listed = (await (await fetch(`${url}/models`)).json()) as { data: Array<{ id: string; state: string; owned_by: string }> };
    expect(listed.data.map((m) => [m.id, m.state]).sort()).toEqual([
      ['broken.gguf', 'not-loaded'],
      ['tiny-a.gguf', 'not-loaded'],
      ['tiny-b.gguf', 'not-loaded'],
    ]);
    expect(modelState(loader, 'tiny-a.gguf')?.state).toBe('unloaded');

    const stream = await client.chat.completions.create({ model: 'tiny-a.gguf', ...CHAT, stream: true });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);
    const state = modelState(loader, 'tiny-a.gguf');
    expect(state).toMatchObject({ state: 'loaded', instanceId: 'engine~tiny-a.gguf', provider: 'engine', inFlight: 0 });
    expect(state?.unloadsAt).toBeDefined();
    expect(supervisor.state('engine~tiny-a.gguf')).toMatchObject({ status: 'running' });
    // The process is named, for `status` and the engine's tile.
    expect(state?.pid).toBe(supervisor.state('engine~tiny-a.gguf')!.pid);
    expect(alive(state!.pid!)).toBe(true);
    const again = (await (await fetch(`${url}/models`)).json()) as { data: Array<{ id: string; state: string; owned_by: string }> };
    expect(again.data.find((m) => m.id === 'tiny-a.gguf')).toMatchObject({ state: 'loaded', owned_by: 'engine~tiny-a.gguf' });
  });

  it('answers a cold non-streaming request, and unloads the model once idle past the TTL', async () => {
    const { loader, client, supervisor } = await setup({ ttlSec: 1 });
    const reply = await client.chat.completions.create({ model: 'tiny-b.gguf', ...CHAT });
    expect(reply.choices[0]!.message.content?.length).toBeGreaterThan(0);
    const pid = supervisor.state('engine~tiny-b.gguf')!.pid!;
    expect(alive(pid)).toBe(true);
    await until(() => modelState(loader, 'tiny-b.gguf')?.state === 'unloaded');
    expect(modelState(loader, 'tiny-b.gguf')?.reason).toMatch(/idle/);
    await until(() => !alive(pid));
    expect(loader.list()).toEqual([]);
  });

  it('with a budget of one model, loading the second unloads the first', async () => {
    const { loader, client, supervisor } = await setup({ maxLoadedModels: 1 });
    await client.chat.completions.create({ model: 'tiny-a.gguf', ...CHAT });
    const first = supervisor.state('engine~tiny-a.gguf')!.pid!;
    await client.chat.completions.create({ model: 'tiny-b.gguf', ...CHAT });
    expect(alive(first)).toBe(false);
    expect(modelState(loader, 'tiny-a.gguf')).toMatchObject({
      state: 'unloaded',
      reason: expect.stringContaining('make room for tiny-b.gguf'),
    });
    expect(modelState(loader, 'tiny-b.gguf')?.state).toBe('loaded');
    expect(loader.list().map((u) => u.providerId)).toEqual(['engine~tiny-b.gguf']);
  });

  it("checks memory for the engine's context in every parallel sequence: two models fit with one each, not with eight", async () => {
    // The tiny model: 518 KiB of weights and 512 bytes of KV cache a token, trained on 1,024 tokens,
    // so about 1.1 MiB with one sequence of 1,024 and 5 MiB with eight; 3 MiB free fits two of the first, not one of the second.
    const freeMemoryBytes = () => 3 * 1024 * 1024;
    const roomy = await setup({ maxLoadedModels: 2 }, { tuning: () => ({ threads: 1, contextSize: 1024, parallel: 1 }), freeMemoryBytes });
    await roomy.client.chat.completions.create({ model: 'tiny-a.gguf', ...CHAT });
    await roomy.client.chat.completions.create({ model: 'tiny-b.gguf', ...CHAT });
    expect(
      roomy.loader
        .list()
        .map((u) => u.providerId)
        .sort(),
    ).toEqual(['engine~tiny-a.gguf', 'engine~tiny-b.gguf']);
    await roomy.cleanup();

    const wide = await setup({ maxLoadedModels: 2 }, { tuning: () => ({ threads: 1, contextSize: 1024, parallel: 8 }), freeMemoryBytes });
    await wide.client.chat.completions.create({ model: 'tiny-a.gguf', ...CHAT });
    expect(wide.supervisor.state('engine~tiny-a.gguf')).toMatchObject({ status: 'running' });
    await wide.client.chat.completions.create({ model: 'tiny-b.gguf', ...CHAT });
    expect(modelState(wide.loader, 'tiny-a.gguf')).toMatchObject({ state: 'unloaded', reason: 'unloaded to free memory for tiny-b.gguf' });
    expect(wide.loader.list().map((u) => u.providerId)).toEqual(['engine~tiny-b.gguf']);
  });

  it('ten concurrent cold requests for one model start one process and are all answered', async () => {
    const { client, pids, states } = await setup();
    const replies = await Promise.all(Array.from({ length: 10 }, () => client.chat.completions.create({ model: 'tiny-a.gguf', ...CHAT })));
    expect(replies.every((r) => (r.choices[0]!.message.content ?? '').length > 0)).toBe(true);
    expect(pids()).toHaveLength(1);
    expect([...new Set(states.map((s) => s.id))]).toEqual(['engine~tiny-a.gguf']);
  });

  it('a model that fails to start is a 503 in OpenAI’s shape, with the engine’s reason', async () => {
    const { loader, url } = await setup();
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'broken.gguf', ...CHAT, stream: true }),
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string; type: string; code: string; param: string } };
    expect(body.error).toMatchObject({ type: 'server_error', code: 'model_load_failed', param: 'model' });
    expect(body.error.message).toContain('"broken.gguf" could not be loaded');
    expect(body.error.message).toContain('not a GGUF model');
    expect(modelState(loader, 'broken.gguf')).toMatchObject({ state: 'failed', reason: expect.stringContaining('not a GGUF model') });
  });

  it('before its file is deleted, a loaded model is unloaded; one still loading is refused, not cut', async () => {
    const { loader, client, supervisor, paths } = await setup();
    const file = path.join(paths.models, 'tiny-a.gguf');
    expect(await loader.unloadFile(file)).toEqual([]); // nothing of it loaded: nothing to do

    const cold = client.chat.completions.create({ model: 'tiny-a.gguf', ...CHAT });
    await until(() => modelState(loader, 'tiny-a.gguf')?.state === 'loading');
    await expect(loader.unloadFile(file)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'tiny-a.gguf is loading through the gateway, so its file cannot be deleted now.',
    });
    expect((await cold).choices[0]!.message.content?.length).toBeGreaterThan(0);

    const pid = supervisor.state('engine~tiny-a.gguf')!.pid!;
    expect(await loader.unloadFile(file)).toEqual(['tiny-a.gguf']);
    expect(alive(pid)).toBe(false);
    expect(modelState(loader, 'tiny-a.gguf')).toMatchObject({ state: 'unloaded', reason: 'unloaded: its model file was deleted' });
    expect(loader.list()).toEqual([]);
  });

  it('keep_alive 0 unloads the model after its request; a name nobody serves or can load is still a 404', async () => {
    const { loader, supervisor, url } = await setup();
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-a.gguf', ...CHAT, keep_alive: 0 }),
    });
    expect(response.status).toBe(200);
    const pid = supervisor.state('engine~tiny-a.gguf')!.pid!;
    await response.json();
    await until(() => modelState(loader, 'tiny-a.gguf')?.state === 'unloaded');
    expect(alive(pid)).toBe(false);
    expect(modelState(loader, 'tiny-a.gguf')?.reason).toContain('keep_alive 0');

    const unknown = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nothing.gguf', ...CHAT }),
    });
    expect(unknown.status).toBe(404);
    // The refusal names what could be asked for: the models loaded on demand, and the one a typo meant.
    const typo = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'Tiny-B', ...CHAT }),
    });
    expect(typo.status).toBe(404);
    const { error } = (await typo.json()) as { error: { message: string } };
    expect(error.message).toMatch(/^The model "Tiny-B" is not served by any provider behind this gateway; did you mean "tiny-b\.gguf"\? /);
    expect(error.message).toContain('Loaded on demand when asked for: broken.gguf, tiny-a.gguf, tiny-b.gguf. Use one of these');
  });
});
