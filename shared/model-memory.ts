import type { GpuInfo } from './system';

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

/**
 * Where the built-in engine can hold a model of `bytes`, as llama.cpp places one: on the GPU with
 * the most memory of its own when it fits there; split between that GPU and RAM (the layers left
 * over run on the CPU) when it does not; all in RAM on a machine with no such GPU (Apple Silicon's
 * GPU shares RAM); or nowhere. Totals, not what is free now: the answer is about the machine.
 */
export type MemoryFit =
  | { where: 'gpu'; gpu: string; vramBytes: number }
  | { where: 'split'; gpu: string; vramBytes: number; ramBytes: number }
  /** `gpus`: how many GPUs there are (none of them with memory of its own); `appleGpu`: the Apple Silicon GPU that shares the RAM. */
  | { where: 'ram'; ramBytes: number; gpus: number; appleGpu?: string }
  | { where: 'none'; ramBytes: number; gpu?: string; vramBytes?: number };

const MIB = 1024 * 1024;

/**
 * Where llama.cpp can hold `bytes`: on a GPU with `vramBytes` of its own (0: none), split between
 * it and `ramBytes` of RAM, in RAM alone where there is no such GPU, or nowhere. The one rule behind
 * the engine's memory card (memoryFit) and the hub's fit badges (fitHint).
 */
export function placement(bytes: number, vramBytes: number, ramBytes: number): MemoryFit['where'] {
  if (vramBytes > 0) {
    if (bytes <= vramBytes) return 'gpu';
    return bytes <= vramBytes + ramBytes ? 'split' : 'none';
  }
  return bytes <= ramBytes ? 'ram' : 'none';
}

export function memoryFit(bytes: number, ramBytes: number, gpus: readonly GpuInfo[]): MemoryFit {
  let best: GpuInfo | undefined;
  for (const gpu of gpus) {
    if (gpu.sharedMemory || gpu.vramMiB === undefined) continue;
    if (!best || gpu.vramMiB > best.vramMiB!) best = gpu;
  }
  if (!best) {
    const apple = gpus.find((gpu) => gpu.vendor === 'apple');
    return placement(bytes, 0, ramBytes) === 'ram'
      ? { where: 'ram', ramBytes, gpus: gpus.length, ...(apple ? { appleGpu: apple.model } : {}) }
      : { where: 'none', ramBytes };
  }
  const gpu = best.model;
  const vramBytes = best.vramMiB! * MIB;
  const where = placement(bytes, vramBytes, ramBytes);
  if (where === 'gpu') return { where, gpu, vramBytes };
  if (where === 'split') return { where, gpu, vramBytes, ramBytes };
  return { where: 'none', ramBytes, gpu, vramBytes };
}
