import { describe, expect, it } from 'vitest';
import type { DownloadState, ModelFile } from '../../../shared/provider';
import { pullState } from './pull-state';

const download = (over: Partial<DownloadState>): DownloadState =>
  ({
    id: 'd',
    url: 'http://hub/x',
    file: 'm.Q4_K_M.gguf',
    status: 'downloading',
    receivedBytes: 25,
    totalBytes: 100,
    speedBps: 1,
    ...over,
  }) as DownloadState;
const model = (over: Partial<ModelFile>): ModelFile => ({ file: 'm.Q4_K_M.gguf', path: '/m', sizeBytes: 1, usedBy: [], ...over });

describe('pullState', () => {
  it('ready, downloading with its percent, verifying, then here once in the models folder', () => {
    expect(pullState('dir/m.Q4_K_M.gguf')).toEqual({ kind: 'ready' });
    expect(pullState('dir/m.Q4_K_M.gguf', [download({})])).toEqual({ kind: 'busy', label: 'Downloading 25%' });
    expect(pullState('m.Q4_K_M.gguf', [download({ totalBytes: undefined })])).toEqual({ kind: 'busy', label: 'Downloading…' });
    expect(pullState('m.Q4_K_M.gguf', [download({ status: 'verifying' })])).toEqual({ kind: 'busy', label: 'Verifying…' });
    expect(pullState('m.Q4_K_M.gguf', [download({ status: 'done' })], [model({})])).toEqual({ kind: 'here' });
  });

  it('a failed or paused download, another file, or another app’s copy leaves it pullable', () => {
    expect(pullState('m.Q4_K_M.gguf', [download({ status: 'failed' }), download({ status: 'paused' })])).toEqual({ kind: 'ready' });
    expect(pullState('m.Q4_K_M.gguf', [download({ file: 'other.gguf' })], [model({ file: 'other.gguf' })])).toEqual({ kind: 'ready' });
    expect(pullState('m.Q4_K_M.gguf', [], [model({ origin: 'Ollama' })])).toEqual({ kind: 'ready' });
  });
});
