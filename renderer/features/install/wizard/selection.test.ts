import { describe, expect, it } from 'vitest';
import type { ProviderSummary } from '../../../../shared/provider';
import type { RecipeVerdict } from '../../../../shared/system';
import { defaultSelection, lacksDiskRoom, orderCandidates, totalEstimate, type Candidate } from './selection';

const candidate = (
  id: string,
  strategy: ProviderSummary['installStrategy'],
  status: ProviderSummary['state']['status'],
  verdict: Partial<RecipeVerdict> = {},
): Candidate => ({
  provider: {
    id,
    name: id.toUpperCase(),
    description: '',
    homepage: 'https://example.com',
    api: 'openai',
    defaultPort: 1,
    origin: 'builtin',
    installStrategy: strategy,
    compatibility: { runnable: true, reasons: [], warnings: [] },
    state: { id, status, restarts: 0, updatedAt: '', reason: '' },
  },
  verdict: { id, name: id, verdict: 'fits', reasons: [], warnings: [], missingTools: [], ...verdict },
});

describe('the wizard’s choice of providers', () => {
  it('ticks installable, not installed providers that fit without a warning', () => {
    const list = [
      candidate('llamacpp', 'git', 'not-installed'),
      candidate('koboldcpp', 'git', 'not-installed', { verdict: 'fits-with-warnings', warnings: ['runs without a GPU, but slowly'] }),
      candidate('textgen', 'git', 'not-installed', { verdict: 'fits-with-warnings', warnings: ['needs 16 GiB of RAM'] }),
      candidate('vllm', 'python', 'not-installed', { verdict: 'does-not-fit', reasons: ['needs an NVIDIA GPU'] }),
      candidate('mistralrs', 'git', 'not-installed', {
        verdict: 'fits-with-warnings',
        missingTools: [{ id: 'cargo', name: 'Cargo', status: 'missing' }],
      }),
      candidate('localai', 'binary', 'installed'),
      candidate('ollama', 'external', 'not-installed'),
      candidate('engine', 'builtin', 'installed'),
    ];
    expect(defaultSelection(list)).toEqual(['llamacpp']);
  });

  it('orders installable ones first, desktop apps next, what does not fit last', () => {
    const list = [
      candidate('vllm', 'python', 'not-installed', { verdict: 'does-not-fit' }),
      candidate('ollama', 'external', 'not-installed'),
      candidate('localai', 'binary', 'not-installed'),
      candidate('fastchat', 'python', 'not-installed'),
    ];
    expect(orderCandidates(list).map((c) => c.provider.id)).toEqual(['fastchat', 'localai', 'ollama', 'vllm']);
  });

  it('adds up the estimates and counts the unknown ones', () => {
    expect(totalEstimate([{ diskGiB: 1, minutes: 2 }, undefined, { diskGiB: 0.5, minutes: 3 }])).toEqual({
      diskGiB: 1.5,
      minutes: 5,
      unknown: 1,
    });
  });

  it('says when the chosen installs would not fit on the disk, with a gigabyte to spare', () => {
    const GiB = 1024 ** 3;
    expect(lacksDiskRoom({ diskGiB: 8 }, 20 * GiB)).toBe(false);
    expect(lacksDiskRoom({ diskGiB: 8 }, 8.5 * GiB)).toBe(true);
    expect(lacksDiskRoom({ diskGiB: 0 }, 0)).toBe(false);
    expect(lacksDiskRoom({ diskGiB: 8 }, undefined)).toBe(false);
  });
});
