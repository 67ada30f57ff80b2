import { describe, expect, it } from 'vitest';
import { TINY_MODEL_CARD } from '../../../test/fixtures/stand-ins/hf-hub';
import { SUMMARY_CHARS, summaryOf } from './model-card';

describe('model card summary', () => {
  it('the first paragraph of prose after the front matter, as plain text', () => {
    expect(summaryOf(TINY_MODEL_CARD)).toBe(
      'A tiny random llama model for tests: it loads in milliseconds and answers nonsense. Made by make-tiny-gguf.',
    );
  });

  it('skips quotes, HTML, code, link-only lines and lists of badges', () => {
    const card = [
      '> [!NOTE]',
      '> Quantised with llama.cpp b4000.',
      '',
      '<div align="center"><img src="x.png"></div>',
      '',
      '```bash',
      'llama-cli -m model.gguf',
      '```',
      '[Original model](https://huggingface.co/org/model)',
      '',
      '[![badge](https://x/b.svg)](https://x)',
      '',
      'Qwen2.5 is the latest series of `Qwen` large language models, with _better_ coding.',
      'It supports 29 languages.',
      '',
      'Second paragraph.',
    ].join('\n');
    expect(summaryOf(card)).toBe(
      'Qwen2.5 is the latest series of Qwen large language models, with better coding. It supports 29 languages.',
    );
  });

  it('none for a card without prose; a long paragraph is cut on a word', () => {
    expect(summaryOf('---\nlicense: mit\n---\n# Title\n\n| a | b |\n')).toBeUndefined();
    expect(summaryOf('')).toBeUndefined();
    const long = summaryOf(`${'word '.repeat(200)}end`)!;
    expect(long.length).toBeLessThanOrEqual(SUMMARY_CHARS + 1);
    expect(long).toMatch(/word…$/);
  });
});
