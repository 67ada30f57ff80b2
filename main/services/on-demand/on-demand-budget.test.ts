import { readlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type OnDemandSettings } from '../../../shared/on-demand';
import { STAND_IN_LLAMA_SERVER, standInRecipe } from '../../../test/stand-in';
import { startOnDemandGateway } from '../../../test/on-demand-fixture';
import { keepAliveMs } from '../gateway/keep-alive';

// llama-server as the chosen provider, played by its stand-in (a real process on a real port):
// it runs from llama-server's own folder, and a busy model is never unloaded for another.
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(onDemand: Partial<OnDemandSettings>, env: Record<string, string> = {}) {
  const llamaServer = standInRecipe({
    id: 'llamacpp',
    start: [{ name: 'server', argv: [process.execPath, STAND_IN_LLAMA_SERVER, '--port', '{port}', '--model', '{model}'], env }],
  });
  const fixture = await startOnDemandGateway({
    models: ['a.gguf', 'b.gguf'],
    provider: { id: 'llamacpp', recipe: llamaServer },
    onDemand,
    loader: { busyWaitMs: 600 },
  });
  cleanups.push(fixture.cleanup);
  const chat = (model: string) =>
    fetch(`${fixture.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  return { ...fixture, chat };
}

describe('load on demand with llama-server chosen', () => {
  it('runs the model with llama-server from its installed folder, under an instance id of its own', async () => {
    const { loader, supervisor, paths, chat } = await setup({});
    const response = await chat('a.gguf');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe('llamacpp~a.gguf');
    const state = supervisor.state('llamacpp~a.gguf')!;
    expect(await readlink(`/proc/${state.pid}/cwd`)).toBe(path.join(paths.data, 'llamacpp'));
    expect(loader.status().models.find((m) => m.id === 'a.gguf')).toMatchObject({
      state: 'loaded',
      provider: 'llamacpp',
      port: state.port,
    });
  });

  it('with a budget of one and the loaded model busy, another model waits, then is a 503 model_busy; the busy answer completes', async () => {
    const { loader, chat } = await setup({ maxLoadedModels: 1 }, { STANDIN_FIRST_BYTE_MS: '2500' });
    const first = chat('a.gguf');
    await new Promise<void>((resolve) => {
      const check = () => (loader.status().models.find((m) => m.id === 'a.gguf')?.inFlight ? resolve() : setTimeout(check, 20));
      check();
    });
    const second = await chat('b.gguf');
    expect(second.status).toBe(503);
    const body = (await second.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('model_busy');
    expect(body.error.message).toContain('a.gguf');
    expect((await first).status).toBe(200);
    expect(loader.status().models.find((m) => m.id === 'a.gguf')?.state).toBe('loaded');
  });
});

describe('instances among the providers', () => {
  it('"stop all" stops them too, and the gateway forgets them: the next request loads the model again', async () => {
    const { loader, supervisor, chat } = await setup({});
    expect((await chat('a.gguf')).status).toBe(200);
    const first = supervisor.state('llamacpp~a.gguf')!.pid;
    await supervisor.stopAll();
    expect(loader.status().models.find((m) => m.id === 'a.gguf')).toMatchObject({
      state: 'unloaded',
      reason: 'stopped with all providers',
    });
    expect(loader.list()).toEqual([]);
    expect((await chat('a.gguf')).status).toBe(200);
    expect(supervisor.state('llamacpp~a.gguf')!.pid).not.toBe(first);
  });
});

describe('keep_alive as Ollama takes it', () => {
  it('reads durations, seconds, 0 and negatives; ignores what it does not understand', () => {
    expect(keepAliveMs('5m')).toBe(300_000);
    expect(keepAliveMs('1h30m')).toBe(5_400_000);
    expect(keepAliveMs('90s')).toBe(90_000);
    expect(keepAliveMs('250ms')).toBe(250);
    expect(keepAliveMs('30')).toBe(30_000);
    expect(keepAliveMs(30)).toBe(30_000);
    expect(keepAliveMs(0)).toBe(0);
    expect(keepAliveMs('0')).toBe(0);
    expect(keepAliveMs(-1)).toBe(Infinity);
    expect(keepAliveMs('-1m')).toBe(Infinity);
    expect(keepAliveMs('soon')).toBeUndefined();
    expect(keepAliveMs(null)).toBeUndefined();
    expect(keepAliveMs(undefined)).toBeUndefined();
  });
});
