import { describe, expect, it } from 'vitest';
import { choicesOf, fitHint, pickChoice, quantOf, recommendChoice, splitOf, type FitHint } from './hub-files';

const GiB = 1024 ** 3;

describe('hub files', () => {
  it('reads the quantisation from a file name', () => {
    expect(quantOf('Llama-3.2-1B-Instruct-Q4_K_M.gguf')).toBe('Q4_K_M');
    expect(quantOf('qwen2.5-0.5b-instruct-q8_0.gguf')).toBe('Q8_0');
    expect(quantOf('model.F16.gguf')).toBe('F16');
    expect(quantOf('phi-3-IQ2_XS.gguf')).toBe('IQ2_XS');
    expect(quantOf('Q5_K_S/big-Q5_K_S-00001-of-00002.gguf')).toBe('Q5_K_S');
    expect(quantOf('tiny.gguf')).toBeUndefined();
  });

  it('groups split parts into one set, only when complete', () => {
    expect(splitOf('a/m-Q8_0-00002-of-00003.gguf')).toEqual({ set: 'a/m-Q8_0', index: 2, count: 3 });
    const choices = choicesOf([
      { path: 'm-Q8_0-00002-of-00002.gguf', size: 5 },
      { path: 'm-Q8_0-00001-of-00002.gguf', size: 7 },
      { path: 'm-Q4_0-00001-of-00002.gguf', size: 1 },
      { path: 'm-Q2_K.gguf', size: 3 },
      { path: 'README.md', size: 1 },
    ]);
    expect(choices.map((c) => [c.name, c.quant, c.size, c.parts.length])).toEqual([
      ['m-Q2_K.gguf', 'Q2_K', 3, 1],
      ['m-Q8_0-00001-of-00002.gguf', 'Q8_0', 12, 2],
    ]);
    expect(pickChoice(choices, 'q8_0')?.parts.map((p) => p.path)).toEqual(['m-Q8_0-00001-of-00002.gguf', 'm-Q8_0-00002-of-00002.gguf']);
    expect(pickChoice(choices, 'm-Q8_0-00002-of-00002.gguf')?.name).toBe('m-Q8_0-00001-of-00002.gguf');
    expect(pickChoice(choices, 'Q6_K')).toBeUndefined();
  });

  it('says whether a model fits, with room for the context: on the GPU, split with RAM, in RAM alone, or not at all', () => {
    expect(fitHint(4 * GiB, { vramBytes: 8 * GiB, ramBytes: 16 * GiB })).toBe('fits on the GPU');
    // 9 GiB with the context's room: the GPU's 8 and the RAM hold it together.
    expect(fitHint(7.5 * GiB, { vramBytes: 8 * GiB, ramBytes: 16 * GiB })).toBe('partly on the GPU');
    expect(fitHint(15 * GiB, { vramBytes: 8 * GiB, ramBytes: 16 * GiB })).toBe('partly on the GPU');
    expect(fitHint(21 * GiB, { vramBytes: 8 * GiB, ramBytes: 16 * GiB })).toBe('too big');
    expect(fitHint(4 * GiB, { vramBytes: 0, ramBytes: 16 * GiB })).toBe('CPU only, slow');
    expect(fitHint(15 * GiB, { vramBytes: 0, ramBytes: 16 * GiB })).toBe('too big');
    expect(fitHint(100 * 1024 ** 2, { vramBytes: 0, ramBytes: 512 * 1024 ** 2 })).toBe('too big');
  });

  it('recommends Q4_K_M when it fits, else the largest on the GPU, else the largest quantised one in RAM', () => {
    const c = (quant: string, size: number, fit: FitHint) => ({ name: `m-${quant}.gguf`, quant, size, fit });
    const all = [
      c('Q2_K', 1, 'fits on the GPU'),
      c('Q4_K_M', 2, 'fits on the GPU'),
      c('Q8_0', 4, 'fits on the GPU'),
      c('F16', 8, 'CPU only, slow'),
    ];
    expect(recommendChoice(all)?.quant).toBe('Q4_K_M');
    // Q4_K_M on the CPU still wins: a quantisation that fits beats a bigger one that crawls.
    expect(recommendChoice([c('Q4_K_M', 2, 'CPU only, slow'), c('Q2_K', 1, 'fits on the GPU')])?.quant).toBe('Q4_K_M');
    expect(
      recommendChoice([c('Q3_K_M', 2, 'fits on the GPU'), c('Q5_K_M', 3, 'fits on the GPU'), c('Q8_0', 5, 'CPU only, slow')])?.quant,
    ).toBe('Q5_K_M');
    expect(recommendChoice([c('Q4_K_M', 9, 'too big'), c('Q3_K_S', 5, 'CPU only, slow'), c('Q2_K', 4, 'CPU only, slow')])?.quant).toBe(
      'Q3_K_S',
    );
    expect(recommendChoice([c('F16', 4, 'CPU only, slow'), c('Q8_0', 2, 'CPU only, slow')])?.quant).toBe('Q8_0');
    expect(recommendChoice([c('F16', 4, 'CPU only, slow')])?.quant).toBe('F16');
    expect(recommendChoice([c('Q4_K_M', 9, 'too big')])).toBeUndefined();
    expect(recommendChoice([])).toBeUndefined();
  });
});
