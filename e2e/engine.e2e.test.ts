import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { TINY_THINKING_TEMPLATE, tinyVocab } from '../scripts/make-tiny-gguf';
import { startEngine, TINY_GREEDY_CHAT, tinyModelsDir, type EngineProcess } from './support/engine-process';

let engine: EngineProcess | undefined;
afterEach(async () => {
  engine?.child.kill('SIGTERM');
  await engine?.exited;
  engine = undefined;
});

async function openaiClient() {
  const { dir } = await tinyModelsDir();
  engine = await startEngine(['--models-dir', dir, '--ctx-size', '1024']);
  return new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused' });
}

describe('the built-in engine through the official openai client', () => {
  it('lists its model as llama-server does', async () => {
    const client = await openaiClient();
    const models = await client.models.list();
    expect(models.data).toEqual([expect.objectContaining({ id: 'tiny-llama.gguf', owned_by: 'llamacpp' })]);
    const health = await fetch(`${engine!.baseUrl}/health`);
    expect(health.headers.get('server')).toContain('llama.cpp');
  });

  it('tokenizes and detokenizes as llama-server does (/tokenize, /detokenize), refusing ids past the vocabulary', async () => {
    const client = await openaiClient();
    const post = (route: string, body: unknown) => fetch(`${engine!.baseUrl}${route}`, { method: 'POST', body: JSON.stringify(body) });
    const { tokens } = (await (await post('/tokenize', { content: 'hello world' })).json()) as { tokens: number[] };
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.every((t) => Number.isInteger(t))).toBe(true);
    // The count a client makes is the count usage reports.
    const completion = await client.completions.create({ model: 'tiny-llama.gguf', prompt: 'hello world', max_tokens: 1 });
    expect(completion.usage!.prompt_tokens).toBe(tokens.length);
    expect(((await (await post('/detokenize', { tokens })).json()) as { content: string }).content.trim()).toBe('hello world');
    const special = (await (await post('/tokenize', { content: 'hello world', add_special: true })).json()) as { tokens: number[] };
    expect(special.tokens).toEqual([1, ...tokens]);
    const pieces = (await (await post('/tokenize', { content: 'hello world', with_pieces: true })).json()) as {
      tokens: Array<{ id: number; piece: string }>;
    };
    expect(pieces.tokens.map((p) => p.id)).toEqual(tokens);
    expect(
      pieces.tokens
        .map((p) => p.piece)
        .join('')
        .trim(),
    ).toBe('hello world');

    // An id past the vocabulary would abort llama.cpp: refused, and the engine still serves.
    const outside = await post('/detokenize', { tokens: [5, 99999] });
    expect(outside.status).toBe(400);
    expect(await outside.json()).toMatchObject({ error: { param: 'tokens', message: expect.stringContaining('token 99999 is not in') } });
    expect((await fetch(`${engine!.baseUrl}/health`)).status).toBe(200);
  });

  it('chats deterministically with greedy sampling, streamed or not', async () => {
    const client = await openaiClient();
    const ask = () => client.chat.completions.create(TINY_GREEDY_CHAT);
    const first = await ask();
    const second = await ask();
    expect(first.choices[0]!.message.content).toBe(second.choices[0]!.message.content);
    expect(first.choices[0]!.message.role).toBe('assistant');
    expect(first.usage!.completion_tokens).toBeGreaterThan(0);
    expect(first.usage!.completion_tokens).toBeLessThanOrEqual(12);

    const stream = await client.chat.completions.create({ ...TINY_GREEDY_CHAT, stream: true });
    let streamed = '';
    let chunks = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      chunks++;
      streamed += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(streamed).toBe(first.choices[0]!.message.content);
    expect(finish).toBe(first.choices[0]!.finish_reason);
  });

  it('completes text and embeds', async () => {
    const client = await openaiClient();
    const completion = await client.completions.create({ model: 'tiny-llama.gguf', prompt: 'the model', max_tokens: 6, temperature: 0 });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBe(6);
    const again = await client.completions.create({ model: 'tiny-llama.gguf', prompt: 'the model', max_tokens: 6, temperature: 0 });
    expect(again.choices[0]!.text).toBe(completion.choices[0]!.text);

    const embeddings = await client.embeddings.create({ model: 'tiny-llama.gguf', input: ['hello', 'world'] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]!.embedding).toHaveLength(64);
    expect(embeddings.data[0]!.embedding).not.toEqual(embeddings.data[1]!.embedding);

    // Too long for the embedding context, or empty: a 400 naming the input, not a 500 or an empty vector.
    const tooLong = await client.embeddings
      .create({ model: 'tiny-llama.gguf', input: ['hello', 'w '.repeat(2000)] })
      .catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input.1' });
    expect((tooLong as Error).message).toMatch(/input\[1\] is \d+ tokens; embeddings here take fewer than 512 an input\. Split/);
    const empty = await client.embeddings.create({ model: 'tiny-llama.gguf', input: '' }).catch((e: unknown) => e);
    expect(empty).toMatchObject({ status: 400, param: 'input' });
    expect((empty as Error).message).toContain('an empty text has no embedding');
  });

  it('answers malformed requests with 400 in OpenAI’s error shape', async () => {
    await openaiClient();
    const bad = await fetch(`${engine!.baseUrl}/v1/chat/completions`, { method: 'POST', body: '{"messages": [' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('not valid JSON') },
    });
    const noMessages = await fetch(`${engine!.baseUrl}/v1/chat/completions`, { method: 'POST', body: '{"messages": []}' });
    expect(noMessages.status).toBe(400);
    expect(await noMessages.json()).toMatchObject({ error: { param: 'messages' } });
  });

  it('holds the answer to a JSON schema (response_format), streamed or not; says so for one it cannot follow, and for n > 1', async () => {
    const client = await openaiClient();
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const request = {
      model: 'tiny-llama.gguf',
      messages: [{ role: 'user' as const, content: 'Is it ok?' }],
      max_tokens: 30,
      temperature: 0,
      response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema } },
    };
    // The tiny model's weights are random: without the schema its answer is never this.
    const answer = await client.chat.completions.create(request);
    expect(JSON.parse(answer.choices[0]!.message.content!)).toEqual({ ok: expect.any(Boolean) });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true }))
      streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(answer.choices[0]!.message.content);
    const plain = await client.chat.completions.create({ ...request, response_format: { type: 'text' } });
    expect(() => JSON.parse(plain.choices[0]!.message.content!)).toThrow();

    const anyObject = await client.completions.create({
      model: 'tiny-llama.gguf',
      prompt: 'the model',
      max_tokens: 4,
      temperature: 0,
      response_format: { type: 'json_object' },
    } as never);
    expect(anyObject.choices[0]!.text).toMatch(/^\s*\{/);

    const unfollowable = await fetch(`${engine!.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({
        ...request,
        stream: true,
        response_format: { type: 'json_schema', json_schema: { schema: { enum: [{ a: 1 }] } } },
      }),
    });
    expect(unfollowable.status).toBe(400);
    expect(await unfollowable.json()).toMatchObject({
      error: { param: 'response_format', message: expect.stringMatching(/^response_format: this JSON schema cannot be followed: ./) },
    });

    const many = await fetch(`${engine!.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], n: 3 }),
    });
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({ error: { param: 'n', message: expect.stringContaining('only 1 answer per request') } });
  }, 60_000);

  it('calls tools: a demanded call is held to its schema, streamed or not; tool answers go back to the model; usage on request', async () => {
    const client = await openaiClient();
    const weather = {
      type: 'function' as const,
      function: {
        name: 'weather',
        description: 'The weather in a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string', maxLength: 12 }, celsius: { type: 'boolean' } },
          required: ['city', 'celsius'],
        },
      },
    };
    const time = {
      type: 'function' as const,
      function: { name: 'time', parameters: { type: 'object', properties: { zone: { enum: ['UTC', 'CET'] } } } },
    };
    const ask = {
      model: 'tiny-llama.gguf',
      messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }],
      max_tokens: 60,
      temperature: 0,
    };

    // Named: the tiny model's weights are random, so only the schema makes this a call.
    const named = await client.chat.completions.create({
      ...ask,
      tools: [weather, time],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    expect(named.choices[0]!.finish_reason).toBe('tool_calls');
    const call = named.choices[0]!.message.tool_calls![0]!;
    expect(named.choices[0]!.message).toMatchObject({
      role: 'assistant',
      content: null,
      tool_calls: [{ type: 'function', id: expect.stringMatching(/^call_\w+$/) }],
    });
    expect(call.type === 'function' && call.function.name).toBe('weather');
    const args = JSON.parse(call.type === 'function' ? call.function.arguments : '') as unknown;
    expect(args).toEqual({ city: expect.any(String), celsius: expect.any(Boolean) });

    // Streamed, the call comes as OpenAI streams one (never as content): its id and name, then its
    // arguments piece by piece as the model writes them, joined the same text as the whole answer's.
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({
      ...ask,
      tools: [weather, time],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      stream: true,
      stream_options: { include_usage: true },
    }))
      chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('');
    const streamedCalls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(streamedCalls[0]).toEqual({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'weather', arguments: '' },
    });
    expect(streamedCalls.slice(1).every((c) => c.index === 0 && c.id === undefined && c.function?.name === undefined)).toBe(true);
    expect(streamedCalls.length).toBeGreaterThan(5);
    expect(streamedCalls.map((c) => c.function?.arguments).join('')).toBe(call.type === 'function' && call.function.arguments);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: named.usage!.prompt_tokens, total_tokens: expect.any(Number) },
    });

    // Required, of two: one call of either, its arguments held to that tool's schema; streamed, named before its arguments.
    const required = await client.chat.completions.create({ ...ask, max_tokens: 300, tools: [weather, time], tool_choice: 'required' });
    const made = required.choices[0]!.message.tool_calls![0]!;
    const requiredChunks = [];
    for await (const chunk of await client.chat.completions.create({
      ...ask,
      max_tokens: 300,
      tools: [weather, time],
      tool_choice: 'required',
      stream: true,
    }))
      requiredChunks.push(chunk);
    const requiredCalls = requiredChunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(requiredCalls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: made.type === 'function' && made.function.name },
    });
    expect(requiredCalls.map((c) => c.function?.arguments).join('')).toBe(made.type === 'function' && made.function.arguments);
    expect(requiredChunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    expect(made.type === 'function' && ['weather', 'time']).toContain(made.type === 'function' && made.function.name);
    if (made.type === 'function' && made.function.name === 'time')
      expect(JSON.parse(made.function.arguments)).toEqual({ zone: expect.stringMatching(/^(UTC|CET)$/) });
    else if (made.type === 'function')
      expect(JSON.parse(made.function.arguments)).toEqual({ city: expect.any(String), celsius: expect.any(Boolean) });

    // "auto": the functions are documented in the prompt (usage counts them); the model may answer or call.
    // (The tiny model reads a character a token: one short tool's documentation is most of its context.)
    const plain = await client.chat.completions.create({ ...ask, max_tokens: 8 });
    const auto = await client.chat.completions.create({ ...ask, max_tokens: 8, tools: [time] });
    expect(auto.usage!.prompt_tokens).toBeGreaterThan(plain.usage!.prompt_tokens + 100);
    expect(['stop', 'length', 'tool_calls']).toContain(auto.choices[0]!.finish_reason);

    // The answer of the tool goes back: the model goes on after it, and the result is in its prompt.
    const followUp = (content: string) =>
      client.chat.completions.create({
        ...ask,
        max_tokens: 4,
        messages: [...ask.messages, named.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content }],
      });
    const short = await followUp('{"c":3}');
    const long = await followUp(JSON.stringify({ forecast: 'x'.repeat(50) }));
    expect(long.usage!.prompt_tokens - short.usage!.prompt_tokens).toBeGreaterThanOrEqual(40);
    expect(short.choices[0]!.finish_reason).not.toBe('tool_calls');

    // Wrong input is named with its fix.
    const refusal = async (body: object) => {
      const response = await fetch(`${engine!.baseUrl}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ ...ask, ...body }) });
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { param: string; message: string } }).error;
    };
    expect(await refusal({ messages: [...ask.messages, { role: 'tool', tool_call_id: 'nope', content: 'x' }] })).toMatchObject({
      param: 'messages.1.tool_call_id',
      message: expect.stringContaining('answers no tool call'),
    });
    expect(await refusal({ tools: [weather], tool_choice: { type: 'function', function: { name: 'time' } } })).toMatchObject({
      param: 'tool_choice',
      message: 'Invalid request: tool_choice: no tool named "time" was sent; name one of: weather',
    });
    expect(
      await refusal({
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { enum: [{ b: 1 }] } } } } }],
      }),
    ).toMatchObject({ param: 'tools.0.function.parameters', message: expect.stringContaining('this JSON schema cannot be followed') });
    expect(await refusal({ tools: [weather], response_format: { type: 'json_object' } })).toMatchObject({
      param: 'response_format',
      message: expect.stringContaining('cannot be combined'),
    });
  }, 120_000);

  it("honours llama-server's samplers (top_k, min_p, repeat_penalty) and OpenAI's penalties and logit_bias; refuses what it cannot do", async () => {
    const client = await openaiClient();
    const complete = async (extra: object) => {
      const answer = await client.completions.create({ model: 'tiny-llama.gguf', prompt: 'the model', max_tokens: 10, ...extra } as never);
      return answer.choices[0]!.text;
    };
    const greedy = await complete({ temperature: 0 });
    // Hot sampling differs with the seed; with top_k 1 only the likeliest token is left, so it is greedy whatever the seed.
    expect(await complete({ temperature: 1.5, seed: 1 })).not.toBe(await complete({ temperature: 1.5, seed: 2 }));
    expect(await complete({ temperature: 1.5, seed: 1, top_k: 1 })).toBe(greedy);
    expect(await complete({ temperature: 1.5, seed: 2, top_k: 1 })).toBe(greedy);
    expect(await complete({ temperature: 1.5, seed: 1, min_p: 1 })).toBe(greedy);
    // The tiny model repeats itself; penalties change what it says.
    expect(await complete({ temperature: 0, frequency_penalty: 2, presence_penalty: 2 })).not.toBe(greedy);
    expect(await complete({ temperature: 0, repeat_penalty: 5 })).not.toBe(greedy);
    // A bias of 100 on one token makes every token that one; -100 bans the greedy answer's first character.
    const y = tinyVocab().tokens.indexOf('Y');
    expect(await complete({ temperature: 0, logit_bias: { [y]: 100 } })).toBe('Y'.repeat(10));
    const banned = tinyVocab().tokens.indexOf(greedy[0]!);
    if (banned >= 0) expect((await complete({ temperature: 0, logit_bias: { [banned]: -100 } }))[0]).not.toBe(greedy[0]);

    const refusal = async (body: object) => {
      const response = await fetch(`${engine!.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, ...body }),
      });
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { param: string; message: string } }).error;
    };
    // A token id past the vocabulary would abort llama.cpp (and the engine with it): refused, the engine still serving.
    expect(await refusal({ logit_bias: { 99999: 5 } })).toMatchObject({
      param: 'logit_bias',
      message: expect.stringContaining('token 99999 is not in'),
    });
    expect(await refusal({ logprobs: true })).toMatchObject({
      param: 'logprobs',
      message: expect.stringContaining('does not return log probabilities'),
    });
    expect((await fetch(`${engine!.baseUrl}/health`)).status).toBe(200);
    expect(engine!.child.exitCode).toBe(null);
  }, 60_000);

  it("reuses what a sequence holds of the prompt: a conversation's next turn evaluates only its new tokens, and usage says how many were cached", async () => {
    const { dir } = await tinyModelsDir();
    engine = await startEngine(['--models-dir', dir, '--ctx-size', '1024', '--parallel', '2']);
    const client = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused' });
    type Chat = Parameters<typeof client.chat.completions.create>[0]['messages'];
    const ask = (messages: Chat, extra: object = {}) =>
      client.chat.completions.create({ model: 'tiny-llama.gguf', messages, max_tokens: 4, temperature: 0, ...extra });
    const cached = (answer: Awaited<ReturnType<typeof ask>>) => answer.usage!.prompt_tokens_details!.cached_tokens;
    const first: Chat = [
      { role: 'system', content: Array.from({ length: 40 }, (_, i) => `rule ${i}`).join('. ') },
      { role: 'user', content: 'hello world' },
    ];
    const a1 = await ask(first);
    expect(cached(a1)).toBe(0);
    // Another conversation in between: with two sequences, each keeps its own cache.
    const b1 = await ask([{ role: 'user', content: 'something else entirely' }]);
    expect(cached(b1)).toBe(0);
    const second: Chat = [...first, { role: 'assistant', content: a1.choices[0]!.message.content }, { role: 'user', content: 'and then?' }];
    const a2 = await ask(second);
    expect(cached(a2)).toBeGreaterThan(a1.usage!.prompt_tokens * 0.9);
    expect(cached(a2)).toBeLessThan(a2.usage!.prompt_tokens);
    // The same question again: all but its last token.
    expect(cached(await ask(second))).toBe(a2.usage!.prompt_tokens - 1);
    // cache_prompt false (llama-server's field) evaluates it all again, to the same answer.
    const uncached = await ask(second, { cache_prompt: false });
    expect(cached(uncached)).toBe(0);
    expect(uncached.choices[0]!.message.content).toBe(a2.choices[0]!.message.content);
  });

  it("streams a thinking model's thoughts apart from its answer, as llama-server's reasoning_content, and returns them beside the message", async () => {
    const { dir } = await tinyModelsDir({ chatTemplate: TINY_THINKING_TEMPLATE });
    engine = await startEngine(['--models-dir', dir, '--ctx-size', '1024']);
    const client = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused' });
    // The random model thinks only when made to: a schema with one allowed value holds it to a thought, then an answer.
    const request = {
      model: 'tiny-llama.gguf',
      messages: [{ role: 'user' as const, content: 'think first' }],
      max_tokens: 60,
      response_format: { type: 'json_schema' as const, json_schema: { name: 'thought', schema: { enum: ['<think>a b c</think>done'] } } },
    };
    const whole = await client.chat.completions.create(request);
    const message = whole.choices[0]!.message as (typeof whole.choices)[0]['message'] & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('a b c');
    expect(message.content).toBe('"done"');
    let reasoning = '';
    let content = '';
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning).toBe('a b c');
    expect(content).toBe('"done"');
  });

  it('answers as many requests at once as it has parallel sequences: a short one is not queued behind a long stream', async () => {
    const { dir } = await tinyModelsDir();
    // The app passes the setting in the environment; a flag given by hand wins over it.
    engine = await startEngine(['--models-dir', dir, '--ctx-size', '1024'], { LLM_MANAGER_PARALLEL: '2' });
    expect(engine.output()).toContain('parallel 2');
    const props = (await (await fetch(`${engine.baseUrl}/props`)).json()) as { total_slots: number };
    expect(props.total_slots).toBe(2);
    const client = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused' });
    const abort = new AbortController();
    const long = await client.chat.completions.create(
      { model: 'tiny-llama.gguf', messages: [{ role: 'user', content: 'go on' }], max_tokens: 5000, stream: true, temperature: 0 },
      { signal: abort.signal },
    );
    const chunks = long[Symbol.asyncIterator]();
    await chunks.next();
    let longEnded = false;
    const drained = (async () => {
      for (let next = await chunks.next(); !next.done; next = await chunks.next());
      longEnded = true;
    })().catch(() => undefined);
    const short = await client.chat.completions.create({
      model: 'tiny-llama.gguf',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
      // Greedy: sampled, the tiny model can end its answer early (CI saw 'stop').
      temperature: 0,
    });
    expect(short.choices[0]!.finish_reason).toBe('length');
    // With one sequence the short answer would have waited for all 5,000 tokens of the long one.
    expect(longEnded).toBe(false);
    abort.abort();
    await drained;
  });

  it('takes the parallel flag over the environment, and exits 78 naming both settings when the context cannot be made', async () => {
    const { dir } = await tinyModelsDir();
    engine = await startEngine(['--models-dir', dir, '--ctx-size', '512', '--parallel', '3'], { LLM_MANAGER_PARALLEL: '2' });
    expect(engine.output()).toContain('parallel 3');
    expect(((await (await fetch(`${engine.baseUrl}/props`)).json()) as { total_slots: number }).total_slots).toBe(3);
    engine.child.kill('SIGTERM');
    await engine.exited;
    // llama.cpp takes at most 256 sequences in a context.
    engine = await startEngine(['--models-dir', dir, '--ctx-size', '512'], { LLM_MANAGER_PARALLEL: '300' });
    expect(await engine.exited).toBe(78);
    expect(engine.output()).toMatch(
      /Cannot make a context of 512 tokens for each of 300 parallel requests: .+\. Lower the context size or the parallel requests/,
    );
    expect(engine.output()).not.toMatch(/truncated/);
  });

  it('refuses a prompt longer than the context, saying by how much, instead of cutting it from the front', async () => {
    const client = await openaiClient();
    const long = Array.from({ length: 4000 }, (_, i) => `w${i}`).join(' ');
    const error = await client.chat.completions
      .create({ model: 'tiny-llama.gguf', messages: [{ role: 'user', content: long }], max_tokens: 4 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
    expect((error as Error).message).toMatch(/The prompt is \d+ tokens; this model's context holds 1024\./);
    const streamed = await fetch(`${engine!.baseUrl}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ prompt: long, max_tokens: 4, stream: true }),
    });
    expect(streamed.status).toBe(400);
    expect(await streamed.json()).toMatchObject({ error: { code: 'context_length_exceeded', param: 'prompt' } });
    // A prompt that fits still gets its answer (greedy, so it is the 4 tokens asked for: sampled, the tiny model may end sooner).
    const fits = await client.chat.completions.create({
      model: 'tiny-llama.gguf',
      messages: [{ role: 'user', content: 'w1 w2' }],
      max_tokens: 4,
      temperature: 0,
    });
    expect(fits.choices[0]!.finish_reason).toBe('length');
    // So does a long conversation whose newest turn fits: its oldest turns are shifted out, as a chat goes on.
    const turns = Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: Array.from({ length: 100 }, (_, j) => `t${i}w${j}`).join(' '),
    }));
    const conversation = await client.chat.completions.create({
      model: 'tiny-llama.gguf',
      messages: [...turns, { role: 'user', content: 'and now?' }],
      max_tokens: 4,
      temperature: 0,
    });
    expect(conversation.usage!.prompt_tokens).toBeGreaterThan(1024);
    expect(conversation.choices[0]!.finish_reason).toBe('length');
  });

  it('stops generating when a streaming client goes away', async () => {
    await openaiClient();
    const abort = new AbortController();
    const response = await fetch(`${engine!.baseUrl}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'the', max_tokens: 5000, temperature: 0, stream: true }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    for (let i = 0; i < 100 && !engine!.output().includes('client went away'); i++) await new Promise((r) => setTimeout(r, 50));
    const stoppedAt = Number(/stopped after (\d+) of at most 5000/.exec(engine!.output())?.[1]);
    expect(stoppedAt).toBeLessThan(5000);
  });
});

describe('the engine with a bad model', () => {
  it.each([
    ['no model at all', async (dir: string) => dir, /has no \.gguf file/],
    [
      'a file that is not GGUF',
      async (dir: string) => (await writeFile(path.join(dir, 'x.gguf'), 'not a model'), dir),
      /is not a GGUF model/,
    ],
    [
      'a truncated GGUF',
      async (dir: string) => {
        const { file } = await tinyModelsDir();
        const { readFile } = await import('node:fs/promises');
        await writeFile(path.join(dir, 'cut.gguf'), (await readFile(file)).subarray(0, 20_000));
        return dir;
      },
      /Cannot load .*cut\.gguf/,
    ],
  ])('exits 78 (do not retry) with a clear message for %s', async (_name, prepare, message) => {
    const { dir, file } = await tinyModelsDir();
    const { rm } = await import('node:fs/promises');
    await rm(file);
    engine = await startEngine(['--models-dir', await prepare(dir)]);
    expect(await engine.exited).toBe(78);
    expect(engine.output()).toMatch(message);
  });
});
