import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../../shared/provider';
import { engineModel } from './engine-model';

const model = (file: string, extra: Partial<ModelFile> = {}): ModelFile => ({
  file,
  path: `/m/${file}`,
  sizeBytes: 1,
  usedBy: [],
  ...extra,
});

describe('engineModel', () => {
  it('takes the chosen model, by name or path, even from another app', () => {
    const ollama = model('/ollama/blobs/sha256-ab', { origin: 'Ollama', path: '/ollama/blobs/sha256-ab' });
    expect(engineModel([model('a.gguf'), ollama], '/ollama/blobs/sha256-ab')).toBe(ollama);
    expect(engineModel([model('a.gguf'), model('b.gguf')], 'b.gguf')?.file).toBe('b.gguf');
  });

  it('a chosen model that is gone means none, not a silent fallback', () => {
    expect(engineModel([model('a.gguf')], 'gone.gguf')).toBeUndefined();
  });

  it('else the first of our models folder by name, never another app’s nor an unreadable file', () => {
    expect(engineModel([model('b.gguf'), model('a.gguf', { error: 'truncated' }), model('c.gguf')], undefined)?.file).toBe('b.gguf');
    expect(engineModel([model('/lms/x.gguf', { origin: 'LM Studio' })], undefined)).toBeUndefined();
    expect(engineModel([], undefined)).toBeUndefined();
  });
});
