import {
  getLlama,
  LlamaChat,
  LlamaCompletion,
  LlamaLogLevel,
  type ChatHistoryItem,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import { SequencePool } from './sequence-pool';

/** Schemas whose grammars are kept: a client sends the same one again and again. */
const GRAMMARS_KEPT = 16;

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
  stop?: string[];
  /** Hold the output to JSON: any JSON object, or one a JSON schema describes. */
  json?: { schema?: Record<string, unknown> };
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

export interface Generated {
  text: string;
  finishReason: 'stop' | 'length';
  /** The client went away and generation stopped early. */
  aborted: boolean;
  promptTokens: number;
  completionTokens: number;
}

/**
 * The model behind the engine's HTTP API: one loaded GGUF, a context with `parallel` sequences,
 * and chat, completion and embedding calls. A client that goes away aborts its generation.
 */
export class EngineRuntime {
  private embeddings?: Promise<LlamaEmbeddingContext>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly pool: SequencePool<LlamaContextSequence>,
    readonly options: RuntimeOptions,
  ) {}

  static async load(options: RuntimeOptions): Promise<EngineRuntime> {
    const llama = await getLlama({ gpu: 'auto', logLevel: LlamaLogLevel.warn });
    const model = await llama.loadModel({ modelPath: options.modelPath });
    // Past what the model was trained on, output degrades: never ask for more.
    const contextSize = Math.min(options.contextSize, model.trainContextSize);
    const context = await model.createContext({ contextSize, threads: options.threads, sequences: options.parallel });
    const sequences = Array.from({ length: options.parallel }, () => context.getSequence());
    return new EngineRuntime(model, context, new SequencePool(sequences), { ...options, contextSize });
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  async chat(messages: Array<{ role: 'system' | 'user' | 'assistant'; text: string }>, sampling: Sampling): Promise<Generated> {
    const history: ChatHistoryItem[] = messages.map((m) =>
      m.role === 'assistant'
        ? { type: 'model', response: [m.text] }
        : m.role === 'system'
          ? { type: 'system', text: m.text }
          : { type: 'user', text: m.text },
    );
    history.push({ type: 'model', response: [] });
    const prompt = messages.map((m) => m.text).join('\n');
    return this.generate(
      prompt,
      sampling,
      (sequence) => new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false }),
      async (chat, options) => {
        const result = await chat.generateResponse(history, options);
        return {
          text: result.response,
          finishReason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
          aborted: result.metadata.stopReason === 'abort',
        };
      },
    );
  }

  async complete(prompt: string, sampling: Sampling): Promise<Generated> {
    return this.generate(
      prompt,
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
   * One generation, chat or plain, on a free sequence cleared of what came before: `create` makes
   * the generator on it (disposed after, the sequence kept), `run` generates with the sampling
   * options and may read how many tokens were generated so far.
   */
  private generate<G extends { dispose(options: { disposeSequence: boolean }): void }>(
    prompt: string,
    sampling: Sampling,
    create: (sequence: LlamaContextSequence) => G,
    run: (
      generator: G,
      options: ReturnType<typeof generationOptions>,
      generated: () => number,
    ) => Promise<Pick<Generated, 'text' | 'finishReason' | 'aborted'>>,
  ): Promise<Generated> {
    return this.pool.use(async (sequence) => {
      await sequence.clearHistory();
      const grammar = sampling.json && (await this.jsonGrammar(sampling.json.schema));
      const generator = create(sequence);
      let generated = 0;
      try {
        const result = await run(
          generator,
          generationOptions(sampling, (count) => (generated += count), grammar),
          () => generated,
        );
        return { ...result, promptTokens: this.countTokens(prompt), completionTokens: generated };
      } finally {
        generator.dispose({ disposeSequence: false });
      }
    });
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

  async embed(inputs: string[]): Promise<{ vectors: number[][]; tokens: number }> {
    this.embeddings ??= this.model.createEmbeddingContext({
      contextSize: Math.min(this.options.contextSize, 512),
      threads: this.options.threads,
    });
    const context = await this.embeddings;
    const vectors: number[][] = [];
    let tokens = 0;
    for (const input of inputs) {
      vectors.push([...(await context.getEmbeddingFor(input)).vector]);
      tokens += this.countTokens(input);
    }
    return { vectors, tokens };
  }

  async dispose(): Promise<void> {
    await (await this.embeddings)?.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}

/** The options a chat and a plain completion both take; `counted` hears how many tokens each step generated; `grammar` holds the output to JSON. */
function generationOptions(sampling: Sampling, counted: (tokens: number) => void, grammar: LlamaGrammar | undefined) {
  return {
    grammar,
    maxTokens: sampling.maxTokens,
    temperature: sampling.temperature,
    topP: sampling.topP,
    seed: sampling.seed,
    signal: sampling.signal,
    stopOnAbortSignal: true,
    customStopTriggers: sampling.stop,
    onTextChunk: sampling.onText,
    onToken: (tokens: readonly unknown[]) => void counted(tokens.length),
  };
}
