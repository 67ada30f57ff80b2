import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name';

describe('closestName', () => {
  it('names the nearest candidate within two edits, ignoring case', () => {
    expect(closestName('lamacpp', ['engine', 'llamacpp', 'localai'])).toBe('llamacpp');
    expect(closestName('OLLMA', ['ollama', 'vllm'])).toBe('ollama');
    expect(closestName('argz', ['argv', 'env', 'cwd'])).toBe('argv');
  });

  it('names nothing when no candidate is that near', () => {
    expect(closestName('nope', ['engine', 'llamacpp'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});
