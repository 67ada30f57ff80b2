import { describe, expect, it } from 'vitest';
import { ENGINE_DEFAULT_CONTEXT, estimateAtDefaults, kvBytesPerToken, memoryEstimate } from './model-memory';

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
