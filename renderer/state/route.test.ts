import { describe, expect, it } from 'vitest';
import { hashFor, routeFromHash } from './route';

describe('routeFromHash', () => {
  it('reads a page, and a provider id on pages that take one', () => {
    expect(routeFromHash('#/settings')).toEqual({ page: 'settings' });
    expect(routeFromHash('#/providers/llama-cpp')).toEqual({ page: 'providers', providerId: 'llama-cpp' });
    expect(routeFromHash('#/logs/ollama')).toEqual({ page: 'logs', providerId: 'ollama' });
  });

  it('ignores an id on pages without one, and ids that are not provider ids', () => {
    expect(routeFromHash('#/settings/ollama')).toEqual({ page: 'settings' });
    expect(routeFromHash('#/providers/..%2Fetc')).toEqual({ page: 'providers' });
    expect(routeFromHash('#/providers/%E0%A4%A')).toEqual({ page: 'providers' });
  });

  it('the Logs page also takes a model instance’s id (its log), the Providers page does not', () => {
    expect(routeFromHash(hashFor('logs', 'engine~tiny-llama.gguf'))).toEqual({ page: 'logs', providerId: 'engine~tiny-llama.gguf' });
    expect(routeFromHash('#/providers/engine~tiny-llama.gguf')).toEqual({ page: 'providers' });
    expect(routeFromHash('#/logs/engine~..%2F..%2Fetc')).toEqual({ page: 'logs' });
  });

  it('falls back to the dashboard', () => {
    expect(routeFromHash('')).toEqual({ page: 'dashboard' });
    expect(routeFromHash('#/nope/x')).toEqual({ page: 'dashboard' });
  });

  it('round-trips with hashFor', () => {
    expect(routeFromHash(hashFor('providers', 'vllm'))).toEqual({ page: 'providers', providerId: 'vllm' });
    expect(routeFromHash(hashFor('logs'))).toEqual({ page: 'logs' });
  });
});
