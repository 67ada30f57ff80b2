import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { z } from 'zod';
import {
  arrivedOnLoopback,
  cutResponse,
  declaredLength,
  DEFAULT_MAX_CONNECTIONS,
  guardListener,
  hardenServer,
  parseRequestTarget,
  readBoundedBody,
  serverOptions,
  type ServerLimits,
} from '../services/os/http-boundary';
import { isLoopbackHostHeader } from '../services/os/loopback';
import { rawOpenAiError, sendOpenAiError } from '../services/os/openai-error';
import { chatTurns } from './chat-turns';
import {
  ChatRequestSchema,
  CompletionRequestSchema,
  DetokenizeRequestSchema,
  EmbeddingRequestSchema,
  TokenizeRequestSchema,
} from './requests';
import type { EngineRuntime, Generated, Sampling } from './runtime';
import { sseFrames, type Usage, type WireToolCall } from './sse-frames';
import { planTools } from './tool-choice';
import { SseWriter } from './sse-writer';

export interface EngineLimits extends ServerLimits {
  /** A request body above this is refused with 413. */
  maxBodyBytes: number;
}

export const ENGINE_LIMITS: EngineLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
};
const DEFAULT_MAX_TOKENS = 256;
/** llama-server's identifying header: discovery and the gateway treat the engine as one. */
const SERVER_HEADER = 'llama.cpp (Local LLM Manager engine)';

export interface EngineServerOptions {
  /** Set once the model is loaded; until then /health answers 503 as llama-server does. */
  runtime: () => EngineRuntime | undefined;
  modelPath: string;
  version: string;
  /** Connection cap, body cap and timeouts; tests shrink them. */
  limits?: Partial<EngineLimits>;
}

/** The engine's OpenAI-compatible HTTP API. */
export function createEngineServer(options: EngineServerOptions): Server {
  const modelId = path.basename(options.modelPath);
  const limits: EngineLimits = { ...ENGINE_LIMITS, ...options.limits };
  const server = createServer(
    serverOptions(limits),
    // Whatever a handler throws is logged and answered 500; it never reaches the process.
    guardListener(handle, (res, error) =>
      sendOpenAiError(res, 500, null, `The engine failed on this request: ${(error as Error)?.message ?? String(error)}`),
    ),
  );
  hardenServer(server, limits, {
    raw: (status, reason, message) => rawOpenAiError(status, reason, null, message),
    reply: (res, status, message) => sendOpenAiError(res, status, null, message, { close: true }),
  });
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Server', SERVER_HEADER);
    const url = parseRequestTarget(req.url);
    if (!url) return sendOpenAiError(res, 400, null, 'The request target must be a path starting with "/".');
    const runtime = options.runtime();
    if (req.method === 'GET' && url.pathname === '/health') {
      if (!runtime) return json(res, 503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
      return json(res, 200, { status: 'ok' });
    }
    // Reached over loopback, only loopback names are answered: a web page that rebinds its DNS
    // name to 127.0.0.1 still sends its own name, and must not drive the model or read /props.
    if (arrivedOnLoopback(req) && !isLoopbackHostHeader(req.headers.host)) {
      return sendOpenAiError(
        res,
        403,
        null,
        `This engine only answers requests addressed to 127.0.0.1 or localhost, not "${String(req.headers.host ?? '').slice(0, 200)}".`,
      );
    }
    if (req.method === 'GET' && url.pathname === '/props') {
      return json(res, 200, {
        build_info: `local-llm-manager-engine ${options.version}`,
        model_path: options.modelPath,
        total_slots: runtime?.options.parallel ?? 0,
        default_generation_settings: { n_ctx: runtime?.options.contextSize ?? 0 },
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return json(res, 200, { object: 'list', data: [{ id: modelId, object: 'model', created: 0, owned_by: 'llamacpp' }] });
    }
    const route = ROUTES[url.pathname];
    if (!route || req.method !== 'POST')
      return sendOpenAiError(res, 404, null, `Unknown endpoint ${req.method} ${url.pathname.slice(0, 200)}.`, { type: 'not_found_error' });
    if (!runtime) return sendOpenAiError(res, 503, null, 'The model is still loading; try again shortly.', { type: 'unavailable_error' });
    const body = await readJson(req, res, limits.maxBodyBytes);
    if (body === undefined) return;
    const parsed = route.schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return sendOpenAiError(res, 400, null, `Invalid request: ${issue.path.join('.') || 'body'}: ${issue.message}`, {
        type: 'invalid_request_error',
        param: issue.path.join('.') || null,
      });
    }
    await route.run(parsed.data as never, { req, res, runtime, modelId });
  }
}

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  runtime: EngineRuntime;
  modelId: string;
}

type Route<S extends z.ZodType> = { schema: S; run: (body: z.infer<S>, call: Call) => Promise<void> };
const route = <S extends z.ZodType>(schema: S, run: Route<S>['run']): Route<S> => ({ schema, run });

const ROUTES: Record<string, Route<z.ZodType>> = {
  '/v1/chat/completions': route(ChatRequestSchema, async (body, call) => {
    const { res, runtime } = call;
    const read = chatTurns(body.messages);
    if (!read.ok) return sendOpenAiError(res, 400, null, read.message, { type: 'invalid_request_error', param: read.param });
    const plan = await planTools(body, read.turns, (schema) => grammarRefusal(runtime, schema));
    if (!plan.ok) return sendOpenAiError(res, 400, null, plan.message, { type: 'invalid_request_error', param: plan.param });
    const { turns, functions, forced } = plan;
    // What must fit: the system prompt (with the functions' documentation) and the newest message.
    // Older turns beyond the context are shifted out by node-llama-cpp (a long conversation goes
    // on), so they do not count here.
    const kept = [...turns.filter((t) => t.role === 'system'), turns.at(-1)!].filter((t, i, all) => all.indexOf(t) === i);
    const jsonOut = forced ? { schema: forced.schema } : jsonOutput(body.response_format);
    await generate(call, body, 'chat.completion', runtime.chatPrompt(kept, functions).length, jsonOut, (sampling) =>
      forced
        ? // The JSON of a demanded call is the call, never content: it streams as the call's arguments.
          runtime
            .chat(turns, { ...sampling, onText: sampling.onCall && forced.streamTo(sampling.onCall), onReasoning: undefined })
            .then(forced.read)
        : runtime.chat(turns, functions ? { ...sampling, tools: { functions, parallel: body.parallel_tool_calls !== false } } : sampling),
    );
  }),
  '/v1/completions': route(CompletionRequestSchema, async (body, call) => {
    const prompt = Array.isArray(body.prompt) ? body.prompt[0]! : body.prompt;
    await generate(call, body, 'text_completion', call.runtime.countTokens(prompt), jsonOutput(body.response_format), (sampling) =>
      call.runtime.complete(prompt, sampling),
    );
  }),
  '/v1/embeddings': route(EmbeddingRequestSchema, async (body, { res, runtime, modelId }) => {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const embedded = await runtime.embed(inputs);
    if (!embedded.ok) {
      const which = Array.isArray(body.input) ? `input[${embedded.index}]` : 'The input';
      return sendOpenAiError(
        res,
        400,
        'context_length_exceeded',
        `${which} is ${embedded.tokens} tokens; embeddings here take fewer than ${embedded.limit} an input. Split the text into shorter pieces.`,
        { type: 'invalid_request_error', param: Array.isArray(body.input) ? `input.${embedded.index}` : 'input' },
      );
    }
    const { vectors, tokens } = embedded;
    json(res, 200, {
      object: 'list',
      model: modelId,
      data: vectors.map((embedding, index) => ({
        object: 'embedding',
        index,
        embedding: body.encoding_format === 'base64' ? Buffer.from(new Float32Array(embedding).buffer).toString('base64') : embedding,
      })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }),
  '/tokenize': route(TokenizeRequestSchema, async (body, { res, runtime }) => {
    const tokens = runtime.tokenize(body.content, body.add_special ?? false, body.parse_special ?? true);
    json(res, 200, {
      tokens: body.with_pieces ? runtime.pieces(tokens).map((piece, i) => ({ id: tokens[i], piece })) : tokens,
    });
  }),
  '/detokenize': route(DetokenizeRequestSchema, async (body, { res, runtime }) => {
    const unknown = unknownToken(body.tokens, runtime.vocabularySize);
    if (unknown) return sendOpenAiError(res, 400, null, `tokens: ${unknown}.`, { type: 'invalid_request_error', param: 'tokens' });
    json(res, 200, { content: runtime.detokenize(body.tokens) });
  }),
};

type SamplingBody = z.infer<typeof ChatRequestSchema> | z.infer<typeof CompletionRequestSchema>;

function jsonOutput(format: SamplingBody['response_format']): Sampling['json'] {
  if (format?.type === 'json_object') return {};
  if (format?.type === 'json_schema') return { schema: format.json_schema.schema };
  return undefined;
}

/** Runs one generation, as SSE chunks when `stream` is set, and stops it when the client goes away. */
async function generate(
  { req, res, modelId, runtime }: Call,
  body: SamplingBody,
  object: 'chat.completion' | 'text_completion',
  /** The tokens that must fit the context (the system prompt and newest message of a chat). */
  promptTokens: number,
  jsonOut: Sampling['json'],
  run: (sampling: Sampling) => Promise<Generated>,
): Promise<void> {
  // A prompt the context cannot hold would be cut from the front without a word: as llama-server
  // without --context-shift does, refuse it, saying by how much.
  const contextSize = runtime.options.contextSize;
  if (promptTokens >= contextSize)
    return sendOpenAiError(
      res,
      400,
      'context_length_exceeded',
      `The prompt is ${promptTokens} tokens; this model's context holds ${contextSize}. Shorten it, or raise the context size on the engine's page (Providers → Built-in engine → Configuration) if the model allows.`,
      { type: 'invalid_request_error', param: object === 'chat.completion' ? 'messages' : 'prompt' },
    );
  const biases = logitBiasOf(body.logit_bias, runtime.vocabularySize);
  if (!biases.ok) return sendOpenAiError(res, 400, null, biases.message, { type: 'invalid_request_error', param: 'logit_bias' });
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  req.on('aborted', () => abort.abort());
  const id = `${object === 'chat.completion' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const sampling: Sampling = {
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS,
    temperature: body.temperature ?? 0.8,
    topP: body.top_p,
    cachePrompt: body.cache_prompt,
    topK: body.top_k,
    minP: body.min_p,
    repeat: repeatOf(body),
    logitBias: biases.value,
    seed: body.seed,
    stop: body.stop === undefined ? undefined : Array.isArray(body.stop) ? body.stop : [body.stop],
    json: jsonOut,
    signal: abort.signal,
  };
  if (jsonOut) {
    const refused = await grammarRefusal(runtime, jsonOut.schema);
    if (refused !== undefined)
      return sendOpenAiError(res, 400, null, `response_format: this JSON schema cannot be followed: ${refused}`, {
        type: 'invalid_request_error',
        param: 'response_format',
      });
  }
  if (body.stream) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const frames = sseFrames(object, id, created, modelId);
    const out = new SseWriter(res);
    if (object === 'chat.completion') out.write(frames.role());
    /** The calls sent as they were written; any other the model made goes whole at the end. */
    const streamedCalls = new Set<number>();
    let result: Generated;
    try {
      result = await run({
        ...sampling,
        onText: (text) => out.write(frames.text(text)),
        ...(object === 'chat.completion'
          ? {
              onReasoning: (text: string) => out.write(frames.reasoning(text)),
              onCall: {
                start: (index: number, name: string) => {
                  streamedCalls.add(index);
                  out.write(frames.callStart(index, callId(), name));
                },
                args: (index: number, text: string) => out.write(frames.callArguments(index, text)),
              },
            }
          : {}),
      });
    } catch (error) {
      // guardListener cuts the response; nothing that waits may follow.
      out.drop();
      throw error;
    }
    if (abort.signal.aborted || result.aborted) {
      out.drop();
      console.log(`engine: client went away; generation stopped after ${result.completionTokens} of at most ${sampling.maxTokens} tokens`);
      // Stopped early: cut, never the final chunk and [DONE] of a complete answer.
      return cutResponse(res);
    }
    const calls = wireToolCalls(result.toolCalls ?? [])
      .map((call, index) => (streamedCalls.has(index) ? '' : frames.toolCall(index, call)))
      .join('');
    const usage = body.stream_options?.include_usage ? frames.usage(usageOf(result)) : '';
    out.end(`${calls}${frames.finish(result.finishReason)}${usage}data: [DONE]\n\n`);
    return;
  }
  const result = await run(sampling);
  if (abort.signal.aborted) {
    console.log(`engine: client went away; generation stopped after ${result.completionTokens} of at most ${sampling.maxTokens} tokens`);
    return;
  }
  const usage = usageOf(result);
  json(
    res,
    200,
    object === 'chat.completion'
      ? {
          id,
          object,
          created,
          model: modelId,
          choices: [
            {
              index: 0,
              message: result.toolCalls
                ? {
                    role: 'assistant',
                    content: result.text || null,
                    tool_calls: wireToolCalls(result.toolCalls),
                  }
                : { role: 'assistant', content: result.text, ...(result.reasoning ? { reasoning_content: result.reasoning } : {}) },
              finish_reason: result.finishReason,
            },
          ],
          usage,
        }
      : { id, object, created, model: modelId, choices: [{ index: 0, text: result.text, finish_reason: result.finishReason }], usage },
  );
}

/** Penalties as node-llama-cpp takes them, or undefined to keep its defaults when the client named none. */
function repeatOf(body: SamplingBody): Sampling['repeat'] {
  const repeat = {
    ...(body.repeat_penalty !== undefined ? { penalty: body.repeat_penalty } : {}),
    ...(body.frequency_penalty != null ? { frequencyPenalty: body.frequency_penalty } : {}),
    ...(body.presence_penalty != null ? { presencePenalty: body.presence_penalty } : {}),
    ...(body.repeat_last_n !== undefined ? { lastTokens: body.repeat_last_n } : {}),
  };
  return Object.keys(repeat).length ? repeat : undefined;
}

/** Why these token ids must not reach llama.cpp (it aborts the process on an id past the vocabulary), or undefined when they may. */
function unknownToken(tokens: number[], vocabularySize: number | undefined): string | undefined {
  if (vocabularySize === undefined) return "this model's file does not list its vocabulary, so token ids cannot be checked";
  const outside = tokens.find((token) => token >= vocabularySize);
  return outside === undefined ? undefined : `token ${outside} is not in this model's vocabulary (ids 0 to ${vocabularySize - 1})`;
}

/** logit_bias with its token ids checked against the vocabulary: llama.cpp aborts the process on an id past its end. */
function logitBiasOf(
  bias: SamplingBody['logit_bias'],
  vocabularySize: number | undefined,
): { ok: true; value?: Map<number, number> } | { ok: false; message: string } {
  const entries = Object.entries(bias ?? {}).map(([token, logit]) => [Number(token), logit] as const);
  if (!entries.length) return { ok: true };
  const unknown = unknownToken(
    entries.map(([token]) => token),
    vocabularySize,
  );
  if (unknown) return { ok: false, message: `logit_bias: ${unknown}.` };
  return { ok: true, value: new Map(entries) };
}

function usageOf(result: Generated): Usage {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
    // OpenAI's field for the prompt's start served from the cache.
    prompt_tokens_details: { cached_tokens: result.cachedTokens },
  };
}

/** The calls as OpenAI's messages carry them, each with an id by which the client's tool message names the call it answers. */
function wireToolCalls(calls: NonNullable<Generated['toolCalls']>): WireToolCall[] {
  return calls.map(({ name, arguments: args }) => ({ id: callId(), type: 'function', function: { name, arguments: args } }));
}

function callId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Why node-llama-cpp cannot hold output to this schema, or undefined when it can (the grammar is then kept for the request). */
async function grammarRefusal(runtime: EngineRuntime, schema: Record<string, unknown> | undefined): Promise<string | undefined> {
  return runtime.jsonGrammar(schema).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500),
  );
}

/** The body as JSON, or undefined once the client has been answered (413, 400) or has gone. */
async function readJson(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<unknown> {
  const read = await readBoundedBody(req, maxBytes);
  if (!read.ok) {
    if (read.reason === 'too_large') {
      const size = maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MB` : `${maxBytes} bytes`;
      // Read on (up to four times the cap) so the client sees the 413; close when it will not fit even that.
      sendOpenAiError(res, 413, null, `The request body is larger than ${size}.`, { close: (declaredLength(req) ?? 0) > maxBytes * 4 });
    }
    return undefined;
  }
  try {
    return JSON.parse(read.body.toString('utf8'));
  } catch (error) {
    sendOpenAiError(res, 400, null, `The body is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
