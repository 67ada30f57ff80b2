import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineRuntime, Generated, Sampling } from './runtime';
import { createEngineServer } from './server';

// A stream that breaks after its headers went out must not look complete to an OpenAI client:
// no final chunk, no `data: [DONE]`, the connection cut. A stand-in runtime breaks on cue.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function engine(chat: (sampling: Sampling) => Promise<Generated>): Promise<number> {
  const runtime = {
    options: { parallel: 1, contextSize: 512 },
    countTokens: (text: string) => text.length,
    chatPrompt: () => [1],
    chat: (_messages: unknown, sampling: Sampling) => chat(sampling),
  } as unknown as EngineRuntime;
  const server = createEngineServer({ runtime: () => runtime, modelPath: '/models/tiny.gguf', version: 'test' });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const streamChat = (port: number) =>
  fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny.gguf', messages: [{ role: 'user', content: 'hi' }], stream: true }),
  });

const done: Generated = { text: 'Hello', finishReason: 'stop', aborted: false, promptTokens: 1, cachedTokens: 0, completionTokens: 1 };

describe('the engine when a stream breaks', () => {
  it('a whole generation ends with [DONE]', async () => {
    const port = await engine(async (sampling) => {
      sampling.onText?.('Hello');
      return done;
    });
    const text = await (await streamChat(port)).text();
    expect(text).toContain('"content":"Hello"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('a generation that fails mid-stream cuts the connection: the client gets an error, not [DONE]', async () => {
    const port = await engine(async (sampling) => {
      sampling.onText?.('Hel');
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('the context was disposed');
    });
    const response = await streamChat(port);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('a generation that stopped early cuts the connection too', async () => {
    const port = await engine(async (sampling) => {
      sampling.onText?.('Hel');
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { ...done, text: 'Hel', aborted: true };
    });
    const response = await streamChat(port);
    await expect(response.text()).rejects.toThrow();
  });
});
