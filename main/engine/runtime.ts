import {
  getLlama,
  isChatModelResponseFunctionCall,
  LlamaChat,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
  TokenBias,
  type Token,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatModelResponse,
  type ChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaGrammar,
  type LlamaChatResponse,
  type LlamaChatResponseChunk,
  type LlamaChatResponseFunctionCallParamsChunk,
  type LlamaModel,
} from 'node-llama-cpp';
import { CallJsonReader } from './call-json-reader';
import type { ChatTurn } from './chat-turns';
import { SequencePool } from './sequence-pool';

/**
 * Schemas whose grammars are kept: a client sends the same ones again and again, and an agent's
 * tools (each one's parameters are checked every request) are often dozens.
 */
const GRAMMARS_KEPT = 128;

export interface RuntimeOptions {
  modelPath: string;
  contextSize: number;
  threads: number;
  /** Requests served at once; more wait their turn. */
  parallel: number;
}

export interface Sampling {
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
  topK?: number;
  minP?: number;
  /** Penalties on tokens seen in the last `lastTokens`; node-llama-cpp's defaults where a field is not given. */
  repeat?: { penalty?: number; frequencyPenalty?: number; presencePenalty?: number; lastTokens?: number };
  /** Token id to a bias added to its logit (OpenAI's logit_bias); -100 bans the token. Ids are checked against the vocabulary first. */
  logitBias?: Map<number, number>;
  stop?: string[];
  /** Reuse what a sequence already holds of the prompt (llama-server's cache_prompt, on unless false). */
  cachePrompt?: boolean;
  /** Hold the output to JSON: any JSON object, or one a JSON schema describes. */
  json?: { schema?: Record<string, unknown> };
  /** Functions the model may call (chat only); `parallel` lets it make more than one call in an answer. */
  tools?: { functions: ChatModelFunctions; parallel: boolean };
  signal?: AbortSignal;
  onText?: (text: string) => void;
  /** Chat only: the model's thinking as it comes (its chat template's thought segments), apart from the answer. */
  onReasoning?: (text: string) => void;
  /** Chat only: the calls the model makes, as it writes them (with `tools`). */
  onCall?: ToolCallSink;
}

/** Where calls go as they are generated: `start` names call `index`, `args` adds to its arguments' JSON text. */
export interface ToolCallSink {
  start(index: number, name: string): void;
  args(index: number, text: string): void;
}

export type Embedded = { ok: true; vectors: number[][]; tokens: number } | { ok: false; index: number; tokens: number; limit: number };

/** A call the model made: the function's name and its arguments as JSON text. */
export interface ToolCall {
  name: string;
  arguments: string;
}

export interface Generated {
  text: string;
  /** Chat only: what the model thought before answering (thought segments), when it did. */
  reasoning?: string;
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** Set when the model stopped to call functions (finishReason 'tool_calls'). */
  toolCalls?: ToolCall[];
  /** The client went away and generation stopped early. */
  aborted: boolean;
  promptTokens: number;
  /** Of the prompt's tokens, those a sequence held already and were not evaluated again. */
  cachedTokens: number;
  completionTokens: number;
}

/** The model loaded but its context could not be made: too large for this machine, or more sequences than llama.cpp takes. */
export class ContextProblem extends Error {
  constructor(contextSize: number, parallel: number, reason: string) {
    super(
      `Cannot make a context of ${contextSize} tokens for each of ${parallel} parallel request${parallel === 1 ? '' : 's'}: ${reason}. ` +
        "Lower the context size or the parallel requests in the built-in engine's settings (Providers → Built-in engine → Configuration).",
    );
  }
}

/**
 * The model behind the engine's HTTP API: one loaded GGUF, a context with `parallel` sequences,
 * and chat, completion and embedding calls. A client that goes away aborts its generation.
 */
export class EngineRuntime {
  private embeddings?: Promise<LlamaEmbeddingContext>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  /** The chat template, resolved once: what prompts are counted with is what chats are rendered with. */
  private readonly chatWrapper: ChatWrapper;

  private constructor(
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly pool: SequencePool<LlamaContextSequence>,
    readonly options: RuntimeOptions,
  ) {
    this.chatWrapper = resolveChatWrapper(model);
  }

  static async load(options: RuntimeOptions): Promise<EngineRuntime> {
    const llama = await getLlama({ gpu: 'auto', logLevel: LlamaLogLevel.warn });
    const model = await llama.loadModel({ modelPath: options.modelPath });
    // Past what the model was trained on, output degrades: never ask for more.
    const contextSize = Math.min(options.contextSize, model.trainContextSize);
    let context: LlamaContext;
    try {
      context = await model.createContext({ contextSize, threads: options.threads, sequences: options.parallel });
    } catch (error) {
      await model.dispose();
      throw new ContextProblem(contextSize, options.parallel, (error as Error).message);
    }
    const sequences = Array.from({ length: options.parallel }, () => context.getSequence());
    return new EngineRuntime(model, context, new SequencePool(sequences), { ...options, contextSize });
  }

  /** How many tokens the model knows: a token id at or past it would crash llama.cpp, so ids from clients are checked against it. */
  get vocabularySize(): number | undefined {
    return this.model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length;
  }

  private tokenBias(biases: Map<number, number> | undefined): TokenBias | undefined {
    if (!biases?.size) return undefined;
    const bias = new TokenBias(this.model.tokenizer);
    for (const [token, logit] of biases) bias.set(token as Token, logit <= -100 ? 'never' : { logit });
    return bias;
  }

  /** llama-server's /tokenize: `addSpecial` puts the BOS token first where the model takes one; `parseSpecial` reads "<s>" and the like as their tokens. */
  tokenize(text: string, addSpecial: boolean, parseSpecial: boolean): Token[] {
    const tokens = this.model.tokenize(text, parseSpecial);
    return addSpecial ? this.withBos(tokens) : tokens;
  }

  /** The tokens as the model evaluates a plain prompt: the BOS token first where the model takes one. */
  private withBos(tokens: Token[]): Token[] {
    const bos = this.model.tokens.bos;
    return bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos ? [bos, ...tokens] : tokens;
  }

  /** Token ids to text; the caller has checked them against the vocabulary. */
  detokenize(tokens: number[]): string {
    return this.model.detokenize(tokens as Token[], true);
  }

  /** Each token's text as it reads in place: with the tokens before it, so a word's leading space is kept. */
  pieces(tokens: Token[]): string[] {
    return tokens.map((token, i) => this.model.detokenize([token], true, tokens.slice(Math.max(0, i - 4), i)));
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  /**
   * A conversation as the chat template renders it, the documentation of the functions it may call
   * included: what usage reports, what must fit the context, and what a sequence's cache is matched against.
   */
  chatPrompt(turns: ChatTurn[], functions?: ChatModelFunctions): Token[] {
    return this.rendered(chatHistory(turns), functions);
  }

  private rendered(history: ChatHistoryItem[], functions: ChatModelFunctions | undefined): Token[] {
    const { contextText } = this.chatWrapper.generateContextState({
      chatHistory: history,
      availableFunctions: functions,
      documentFunctionParams: true,
    });
    return contextText.tokenize(this.model.tokenizer);
  }

  async chat(turns: ChatTurn[], sampling: Sampling): Promise<Generated> {
    const history = chatHistory(turns);
    const prompt = this.rendered(history, sampling.tools?.functions);
    return this.generate(
      { tokens: prompt, counted: prompt.length },
      sampling,
      (sequence) => new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper, autoDisposeSequence: false }),
      async (chat, options) => chatOutcome(await chat.generateResponse(history, options)),
    );
  }

  async complete(prompt: string, sampling: Sampling): Promise<Generated> {
    const tokens = this.model.tokenize(prompt);
    return this.generate(
      // As LlamaCompletion evaluates it, so the cache is matched against what the sequence holds.
      { tokens: this.withBos(tokens), counted: tokens.length },
      sampling,
      (sequence) => new LlamaCompletion({ contextSequence: sequence }),
      async (completion, options, generated) => {
        const text = await completion.generateCompletion(prompt, options);
        return {
          text,
          finishReason: generated() >= sampling.maxTokens ? 'length' : 'stop',
          aborted: sampling.signal?.aborted ?? false,
        };
      },
    );
  }

  /**
   * One generation, chat or plain, on the free sequence whose cache shares the longest start with
   * the prompt (as llama-server picks a slot): node-llama-cpp evaluates only what differs, so a
   * conversation's next turn costs its new tokens, not the whole history again. `create` makes the
   * generator on it (disposed after, the sequence and its cache kept), `run` generates with the
   * sampling options and may read how many tokens were generated so far. `prompt.counted` is the
   * prompt's size for usage.
   */
  private generate<G extends { dispose(options: { disposeSequence: boolean }): void }>(
    prompt: { tokens: Token[]; counted: number },
    sampling: Sampling,
    create: (sequence: LlamaContextSequence) => G,
    run: (
      generator: G,
      options: ReturnType<typeof generationOptions>,
      generated: () => number,
    ) => Promise<Pick<Generated, 'text' | 'finishReason' | 'aborted' | 'toolCalls' | 'reasoning'>>,
  ): Promise<Generated> {
    const reusable = (sequence: LlamaContextSequence) => sequence.compareContextTokens(prompt.tokens).firstDifferentIndex;
    // A sequence whose cache would mostly be thrown away (another conversation's) scores below an
    // empty one: a shared template start must not cost that conversation its cache.
    const suits = (sequence: LlamaContextSequence) => {
      const kept = reusable(sequence);
      return kept * 2 >= sequence.nextTokenIndex ? kept : -1;
    };
    return this.pool.use(
      async (sequence) => {
        if (sampling.cachePrompt === false) await sequence.clearHistory();
        // At least the prompt's last token is evaluated again, to sample from.
        const cachedTokens = Math.max(0, Math.min(reusable(sequence), prompt.tokens.length - 1, prompt.counted));
        const grammar = sampling.json && (await this.jsonGrammar(sampling.json.schema));
        const generator = create(sequence);
        // Counted by the sequence's meter, not from onToken: tokens node-llama-cpp holds back (a
        // character's first bytes, a stop trigger's start) were generated all the same.
        const sampledBefore = sequence.tokenMeter.usedOutputTokens;
        const generated = () => sequence.tokenMeter.usedOutputTokens - sampledBefore;
        try {
          const result = await run(generator, generationOptions(sampling, grammar, this.tokenBias(sampling.logitBias)), generated);
          return { ...result, promptTokens: prompt.counted, cachedTokens, completionTokens: generated() };
        } finally {
          generator.dispose({ disposeSequence: false });
        }
      },
      sampling.cachePrompt === false ? undefined : suits,
    );
  }

  /**
   * The grammar for JSON output: made once for any object, once per schema for the last few
   * schemas. Rejects for a schema it cannot follow (the server answers 400 before generating).
   */
  jsonGrammar(schema: Record<string, unknown> | undefined): Promise<LlamaGrammar> {
    const key = schema === undefined ? '' : JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      const llama = this.model.llama;
      grammar = schema === undefined ? llama.getGrammarFor('json') : llama.createGrammarForJsonSchema(schema as never);
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
      if (this.grammars.size > GRAMMARS_KEPT) this.grammars.delete(this.grammars.keys().next().value!);
    }
    return grammar;
  }

  /**
   * One vector per input; or, when an input is longer than the embedding context holds, which one
   * and by how much (node-llama-cpp would throw, which a client would read as the engine failing).
   */
  async embed(inputs: string[]): Promise<Embedded> {
    const limit = Math.min(this.options.contextSize, 512);
    this.embeddings ??= this.model.createEmbeddingContext({ contextSize: limit, threads: this.options.threads });
    const context = await this.embeddings;
    // As node-llama-cpp counts them: with the BOS/EOS tokens it adds, and refused at the context size.
    const lengths = inputs.map((input) => context.calculateInputLength(input));
    const over = lengths.findIndex((length) => length >= limit);
    if (over >= 0) return { ok: false, index: over, tokens: lengths[over]!, limit };
    const vectors: number[][] = [];
    for (const input of inputs) vectors.push([...(await context.getEmbeddingFor(input)).vector]);
    return { ok: true, vectors, tokens: lengths.reduce((sum, length) => sum + length, 0) };
  }

  async dispose(): Promise<void> {
    await (await this.embeddings)?.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}

/** The options a chat and a plain completion both take; `grammar` holds the output to JSON. */
function generationOptions(sampling: Sampling, grammar: LlamaGrammar | undefined, tokenBias: TokenBias | undefined) {
  return {
    // node-llama-cpp takes either a grammar or functions: the server never asks for both.
    ...(sampling.tools
      ? {
          functions: sampling.tools.functions,
          documentFunctionParams: true,
          maxParallelFunctionCalls: sampling.tools.parallel ? undefined : 1,
          ...(sampling.onCall ? { onFunctionCallParamsChunk: paramsTo(sampling.onCall) } : {}),
        }
      : { grammar }),
    maxTokens: sampling.maxTokens,
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    minP: sampling.minP,
    ...(sampling.repeat ? { repeatPenalty: sampling.repeat } : {}),
    tokenBias,
    seed: sampling.seed,
    signal: sampling.signal,
    stopOnAbortSignal: true,
    customStopTriggers: sampling.stop,
    onTextChunk: sampling.onText,
    // Thoughts stream apart from the answer (onTextChunk never carries them), as llama-server's reasoning_content.
    ...(sampling.onReasoning ? { onResponseChunk: thoughtsTo(sampling.onReasoning) } : {}),
  };
}

/**
 * node-llama-cpp's pieces of each call's parameters, as calls begin and grow. The last piece of a
 * call can carry the template's end-of-call text after the JSON: the reader drops it.
 */
export function paramsTo(sink: ToolCallSink) {
  const readers: CallJsonReader[] = [];
  return ({ callIndex, functionName, paramsChunk }: LlamaChatResponseFunctionCallParamsChunk) => {
    let reader = readers[callIndex];
    if (!reader) {
      sink.start(callIndex, functionName);
      reader = readers[callIndex] = new CallJsonReader('arguments', (text) => sink.args(callIndex, text));
    }
    reader.push(paramsChunk);
  };
}

function thoughtsTo(onReasoning: (text: string) => void) {
  return (chunk: LlamaChatResponseChunk) => {
    if (chunk.type === 'segment' && chunk.segmentType === 'thought' && chunk.text !== '') onReasoning(chunk.text);
  };
}

/** What a chat generation made, as the server answers it: text, why it stopped, the calls it made. */
export function chatOutcome(
  result: Pick<LlamaChatResponse<ChatModelFunctions>, 'response' | 'functionCalls' | 'metadata'> &
    Partial<Pick<LlamaChatResponse<ChatModelFunctions>, 'fullResponse'>>,
): Pick<Generated, 'text' | 'finishReason' | 'aborted' | 'toolCalls' | 'reasoning'> {
  const calls = result.functionCalls ?? [];
  const stop = result.metadata.stopReason;
  const reasoning = (result.fullResponse ?? [])
    .map((part) => (typeof part !== 'string' && part.segmentType === 'thought' ? part.text : ''))
    .join('');
  return {
    text: result.response,
    ...(reasoning ? { reasoning } : {}),
    finishReason: stop === 'maxTokens' ? 'length' : calls.length ? 'tool_calls' : 'stop',
    aborted: stop === 'abort',
    ...(calls.length
      ? { toolCalls: calls.map((call) => ({ name: call.functionName, arguments: JSON.stringify(call.params ?? {}) })) }
      : {}),
  };
}

/**
 * The conversation as node-llama-cpp's history: an assistant's text and calls (with their answers)
 * are one model response, as a chat template writes them. After tool answers the model goes on
 * with that same response; otherwise a new one starts.
 */
export function chatHistory(turns: ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const turn of turns) {
    if (turn.role !== 'assistant') {
      history.push(turn.role === 'system' ? { type: 'system', text: turn.text } : { type: 'user', text: turn.text });
      continue;
    }
    const response: ChatModelResponse['response'] = [
      ...(turn.text ? [turn.text] : []),
      ...turn.calls.map((call) => ({ type: 'functionCall' as const, name: call.name, params: call.params, result: call.result })),
    ];
    const last = history.at(-1);
    if (last?.type === 'model') last.response.push(...response);
    else history.push({ type: 'model', response });
  }
  const last = history.at(-1);
  const afterToolAnswers = last?.type === 'model' && isChatModelResponseFunctionCall(last.response.at(-1));
  if (!afterToolAnswers) history.push({ type: 'model', response: [] });
  return history;
}
