import { describe, expect, it } from 'vitest';
import { redactCommand } from './redact-command';

describe('redactCommand', () => {
  it('hides the value of key flags, in both spellings, and leaves the rest as it was', () => {
    expect(redactCommand('vllm serve Qwen/Qwen3-8B --api-key sk-123 --port 8000')).toBe(
      'vllm serve Qwen/Qwen3-8B --api-key ••• --port 8000',
    );
    expect(redactCommand('llama-server -m m.gguf --api-key=abc --host 127.0.0.1')).toBe(
      'llama-server -m m.gguf --api-key=••• --host 127.0.0.1',
    );
    expect(redactCommand('node tabby.mjs --key k1 --token=t2 --admin_key a3')).toBe('node tabby.mjs --key ••• --token=••• --admin_key •••');
    expect(redactCommand('ollama serve')).toBe('ollama serve');
  });
});
