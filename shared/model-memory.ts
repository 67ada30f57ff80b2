/** The built-in engine's context size when none is set (tokens per sequence). */
export const ENGINE_DEFAULT_CONTEXT = 4096;

/** What a GGUF header gives for sizing the KV cache. */
export interface KvShape {
  layers?: number;
  embeddingLength?: number;
  heads?: number;
  kvHeads?: number;
}

/**
 * Bytes of KV cache one token of context takes: K and V, f16 (2 bytes), over every layer, each as
 * wide as the KV heads (fewer than the attention heads with grouped-query attention).
 */
export function kvBytesPerToken({ layers, embeddingLength, heads, kvHeads }: KvShape): number {
  // A header without the shape: the weights alone, as before the KV cache was counted.
  if (!layers || !embeddingLength) return 0;
  const width = heads && kvHeads ? (embeddingLength / heads) * kvHeads : embeddingLength;
  return 2 * layers * width * 2;
}

/** What the estimate needs of a model file (a ModelFile has all of it). */
export interface SizedModel {
  sizeBytes: number;
  /** The context it was trained on: the engine never makes a larger one. */
  contextLength?: number;
  /** Absent when the header could not be read. */
  estimate?: { kvBytesPerToken: number };
}

export interface MemoryEstimate {
  /** Tokens per sequence, after the model's own limit. */
  contextSize: number;
  parallel: number;
  weightsBytes: number;
  contextBytes: number;
  /** Weights plus KV cache, 10 % over for compute buffers. */
  bytes: number;
}

/**
 * Rough memory to run a model with `parallel` sequences of `contextSize` tokens each, as the
 * built-in engine does (each sequence has a context of its own): the weights as stored plus an
 * f16 KV cache. Undefined when the header could not be read.
 */
export function memoryEstimate(model: SizedModel, tuning: { contextSize?: number; parallel?: number } = {}): MemoryEstimate | undefined {
  if (!model.estimate) return undefined;
  const perToken = model.estimate.kvBytesPerToken;
  const asked = tuning.contextSize ?? ENGINE_DEFAULT_CONTEXT;
  const contextSize = model.contextLength ? Math.min(asked, model.contextLength) : asked;
  const parallel = tuning.parallel ?? 1;
  const contextBytes = perToken * contextSize * parallel;
  return {
    contextSize,
    parallel,
    weightsBytes: model.sizeBytes,
    contextBytes,
    bytes: Math.round((model.sizeBytes + contextBytes) * 1.1),
  };
}

/** The estimate at the engine's defaults, as a model file carries it, with what it takes to work it out for other settings. */
export function estimateAtDefaults(model: SizedModel & { estimate: { kvBytesPerToken: number } }): ModelEstimate {
  const { contextSize, bytes } = memoryEstimate(model)!;
  return { contextSize, bytes, kvBytesPerToken: model.estimate.kvBytesPerToken };
}

export interface ModelEstimate {
  /** Tokens the estimate is given for: the engine's default, or the model's own context when smaller. */
  contextSize: number;
  bytes: number;
  /** KV cache per token of context (0 when the header gave no shape). */
  kvBytesPerToken: number;
}
