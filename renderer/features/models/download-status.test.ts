import { describe, expect, it } from 'vitest';
import type { DownloadState } from '../../../shared/provider';
import { progressView } from './download-status';

const MiB = 1024 * 1024;
const d = (over: Partial<DownloadState>): DownloadState => ({
  id: '1',
  url: 'https://x.org/a.gguf',
  file: 'a.gguf',
  status: 'downloading',
  receivedBytes: 0,
  speedBps: 0,
  updatedAt: '2025-01-01T00:00:00Z',
  ...over,
});

describe('progressView', () => {
  it('shows bytes of total and a floored percent', () => {
    expect(progressView(d({ receivedBytes: 99.9 * MiB, totalBytes: 100 * MiB }))).toEqual({
      percent: 99,
      indeterminate: false,
      text: '99.9 MiB of 100.0 MiB · 99%',
    });
  });

  it('is indeterminate while downloading without a known size, full once done', () => {
    expect(progressView(d({ receivedBytes: 2 * MiB }))).toEqual({ percent: undefined, indeterminate: true, text: '2.0 MiB' });
    expect(progressView(d({ receivedBytes: 2 * MiB, status: 'paused' })).indeterminate).toBe(false);
    expect(progressView(d({ receivedBytes: 2 * MiB, status: 'done' })).percent).toBe(100);
  });
});
