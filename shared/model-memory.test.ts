import { describe, expect, it } from 'vitest';
import { ENGINE_DEFAULT_CONTEXT, estimateAtDefaults, kvBytesPerToken, memoryEstimate, memoryFit } from './model-memory';
import type { GpuInfo } from './system';

const MiB = 1024 * 1024;

describe('the memory a model needs in the built-in engine', () => {
  it("counts the KV cache of the model's own shape: grouped-query attention keeps fewer KV heads", () => {
    // Llama 3.1 8B: 32 layers, 4096 wide, 32 heads, 8 of them KV: 128 KiB a token.
    expect(kvBytesPerToken({ layers: 32, embeddingLength: 4096, heads: 32, kvHeads: 8 })).toBe(128 * 1024);
    expect(kvBytesPerToken({ layers: 32, embeddingLength: 4096, heads: 32, kvHeads: 32 })).toBe(512 * 1024);
    expect(kvBytesPerToken({ layers: 32, embeddingLength: 4096 })).toBe(512 * 1024);
    expect(kvBytesPerToken({ embeddingLength: 4096 })).toBe(0);
  });

  it('grows the context part with the context size and with each parallel sequence, never past what the model was trained on', () => {
    const model = { sizeBytes: 4000 * MiB, contextLength: 131_072, estimate: { kvBytesPerToken: 128 * 1024 } };
    const defaults = memoryEstimate(model)!;
    expect(defaults).toMatchObject({ contextSize: ENGINE_DEFAULT_CONTEXT, parallel: 1, contextBytes: 512 * MiB });
    expect(defaults.bytes).toBe(Math.round(4512 * MiB * 1.1));
    expect(memoryEstimate(model, { contextSize: 8192, parallel: 4 })).toMatchObject({ contextBytes: 4096 * MiB, parallel: 4 });
    const small = { ...model, contextLength: 2048 };
    expect(memoryEstimate(small, { contextSize: 8192, parallel: 2 })).toMatchObject({ contextSize: 2048, contextBytes: 512 * MiB });
    expect(estimateAtDefaults(small)).toEqual({
      contextSize: 2048,
      bytes: Math.round((4000 + 256) * MiB * 1.1),
      kvBytesPerToken: 128 * 1024,
    });
  });

  it('has nothing to say about a file whose header could not be read', () => {
    expect(memoryEstimate({ sizeBytes: 10 }, { contextSize: 512 })).toBeUndefined();
  });
});

describe('where a model can go on this machine', () => {
  const GIB = 1024 ** 3;
  const nvidia = (model: string, vramMiB: number): GpuInfo => ({
    vendor: 'nvidia',
    model,
    vramMiB,
    sharedMemory: false,
    source: 'nvidia-smi',
  });
  const ram = 32 * GIB;

  it('on the GPU with the most memory of its own when it fits there, split with RAM when not, nowhere past both', () => {
    const gpus = [nvidia('NVIDIA GeForce RTX 3060', 12288), nvidia('NVIDIA GeForce RTX 4090', 24564)];
    const vram = 24564 * 1024 * 1024;
    expect(memoryFit(20 * GIB, ram, gpus)).toEqual({ where: 'gpu', gpu: 'NVIDIA GeForce RTX 4090', vramBytes: vram });
    expect(memoryFit(vram, ram, gpus)).toMatchObject({ where: 'gpu' });
    expect(memoryFit(vram + 1, ram, gpus)).toEqual({ where: 'split', gpu: 'NVIDIA GeForce RTX 4090', vramBytes: vram, ramBytes: ram });
    expect(memoryFit(vram + ram, ram, gpus)).toMatchObject({ where: 'split' });
    expect(memoryFit(vram + ram + 1, ram, gpus)).toEqual({ where: 'none', ramBytes: ram, gpu: 'NVIDIA GeForce RTX 4090', vramBytes: vram });
  });

  it('in RAM alone where no GPU has memory of its own: none found, Apple Silicon, an unknown size', () => {
    const apple: GpuInfo = { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, source: 'system_profiler' };
    const unknown: GpuInfo = { vendor: 'nvidia', model: 'NVIDIA GB10', sharedMemory: true, source: 'nvidia-smi' };
    expect(memoryFit(ram, ram, [])).toEqual({ where: 'ram', ramBytes: ram, gpus: 0 });
    expect(memoryFit(ram, ram, [apple])).toEqual({ where: 'ram', ramBytes: ram, gpus: 1, appleGpu: 'Apple M2 Pro' });
    expect(memoryFit(ram, ram, [unknown])).toEqual({ where: 'ram', ramBytes: ram, gpus: 1 });
    for (const gpus of [[], [apple], [unknown]]) expect(memoryFit(ram + 1, ram, gpus)).toEqual({ where: 'none', ramBytes: ram });
  });
});
