import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { makeTinyGguf, tinyVocab } from '../../../scripts/make-tiny-gguf';
import { tempDir } from '../../../test/temp-dir';
import { ModelsService, quantizationName } from './models';

describe('ModelsService', () => {
  it("reads the tiny model's header: architecture, size, parameters, context, quantisation", async () => {
    const dir = await tempDir();
    const bytes = makeTinyGguf();
    await writeFile(`${dir}/tiny.gguf`, bytes);
    await writeFile(`${dir}/notes.txt`, 'not a model');
    const service = new ModelsService(dir, () => ({ 'tiny.gguf': ['engine'] }));
    const [model, ...rest] = await service.list();
    expect(rest).toEqual([]);
    const vocab = tinyVocab().tokens.length;
    // token_embd + output (embd × vocab), 2 layers of 4 attention (64×64) and 3 FFN (64×128) matrices, norms.
    const params = 2 * 64 * vocab + 2 * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64) + 64;
    expect(model).toMatchObject({
      file: 'tiny.gguf',
      sizeBytes: bytes.length,
      name: 'tiny-test-llama',
      architecture: 'llama',
      quantization: 'F32',
      contextLength: 1024,
      embeddingLength: 64,
      layers: 2,
      parameterCount: params,
      usedBy: ['engine'],
      estimate: { contextSize: 1024 },
    });
    expect(model!.estimate!.bytes).toBeGreaterThan(bytes.length);
  });

  it('reports a truncated file instead of failing the list', async () => {
    const dir = await tempDir();
    await writeFile(`${dir}/cut.gguf`, makeTinyGguf().subarray(0, 300));
    const [model] = await new ModelsService(dir, () => ({})).list();
    expect(model).toMatchObject({ file: 'cut.gguf', error: expect.stringContaining('Cannot read the GGUF header') });
  });

  it('reads a header again only when the file changed', async () => {
    const dir = await tempDir();
    await writeFile(`${dir}/m.gguf`, makeTinyGguf().subarray(0, 300));
    const service = new ModelsService(dir, () => ({}));
    expect((await service.list())[0]!.error).toContain('Cannot read the GGUF header');
    expect((await service.list())[0]!.error).toContain('Cannot read the GGUF header');
    await writeFile(`${dir}/m.gguf`, makeTinyGguf());
    const [model] = await service.list();
    expect(model).toMatchObject({ file: 'm.gguf', architecture: 'llama' });
    expect(model!.error).toBeUndefined();
  });

  it('names quantisations', () => {
    expect(quantizationName(15)).toBe('Q4_K_M');
    expect(quantizationName(0)).toBe('F32');
    expect(quantizationName(undefined)).toBeUndefined();
  });
});
