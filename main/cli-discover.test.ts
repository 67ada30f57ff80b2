import { describe, expect, it } from 'vitest';
import type { DiscoveredServer, DiscoveryResults } from '../shared/discovery';
import { colours } from './cli-args';
import { formatDiscovery } from './cli-discover';

const plain = { isTTY: false } as NodeJS.WriteStream;

const ollama: DiscoveredServer = {
  key: '127.0.0.1:11434',
  host: '127.0.0.1',
  port: 11434,
  baseUrl: 'http://127.0.0.1:11434',
  kind: 'provider',
  providerId: 'ollama',
  providerName: 'Ollama',
  evidence: [],
  models: ['llama3.2:1b'],
  ownership: 'external',
  sources: ['default-port', 'endpoint'],
  healthy: true,
};

const results = (servers: DiscoveredServer[], endpoints: string[]): DiscoveryResults => ({
  servers,
  probed: 10,
  endpoints,
  intervalSec: 15,
});

describe('discover, for people', () => {
  it('names each saved endpoint where nothing answers, found servers or not', () => {
    const c = colours(plain);
    const some = formatDiscovery(results([ollama], ['127.0.0.1:11434', 'gpu-box.lan:8000']), c);
    expect(some).toContain('http://127.0.0.1:11434  Ollama  healthy  external');
    expect(some).toContain('Saved endpoint gpu-box.lan:8000: nothing answers there.');
    expect(some).not.toContain('Saved endpoint 127.0.0.1:11434');
    expect(formatDiscovery(results([], ['gpu-box.lan:8000']), c).split('\n')).toEqual([
      'No LLM server answered (10 ports probed).',
      'Saved endpoint gpu-box.lan:8000: nothing answers there.',
    ]);
  });
});
