import { describe, expect, it } from 'vitest';
import { INSTANCE_ID_PATTERN, PROVIDER_ID_PATTERN } from '../../../shared/ids';
import { ON_DEMAND_PROVIDERS } from '../../../shared/on-demand';
import { instanceIdOf } from './loaded-instance';

describe('a model instance’s id', () => {
  it('is what the logs.* requests accept, whatever the model is called, and never a provider id', () => {
    const names = ['tiny.gguf', 'llama3.2:1b', 'org/repo/Qwen2.5 7B (Q4_K_M).gguf', 'x'.repeat(300), '..', 'ünïcode-模型.gguf'];
    for (const provider of ON_DEMAND_PROVIDERS) {
      for (const name of names) {
        const id = instanceIdOf(provider, name);
        expect(id, name).toMatch(INSTANCE_ID_PATTERN);
        expect(PROVIDER_ID_PATTERN.test(id)).toBe(false);
      }
    }
    expect(INSTANCE_ID_PATTERN.test('engine~../../etc/passwd')).toBe(false);
    expect(INSTANCE_ID_PATTERN.test('vllm~tiny.gguf')).toBe(false);
    expect(INSTANCE_ID_PATTERN.source).toContain(`(${ON_DEMAND_PROVIDERS.join('|')})~`);
  });
});
