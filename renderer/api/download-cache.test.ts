import { describe, expect, it } from 'vitest';
import type { DownloadState } from '../../shared/provider';
import { upsertDownload } from './download-cache';

const state = (id: string, receivedBytes: number, at: string, over: Partial<DownloadState> = {}): DownloadState => ({
  id,
  url: `https://x.org/${id}.gguf`,
  file: `${id}.gguf`,
  status: 'downloading',
  receivedBytes,
  speedBps: 0,
  updatedAt: `2025-01-01T00:00:${at}Z`,
  ...over,
});

describe('upsertDownload', () => {
  it('leaves an unloaded list unloaded', () => {
    expect(upsertDownload(undefined, state('a', 1, '01'))).toBeUndefined();
  });

  it('adds a new download at the end and replaces a known one by id', () => {
    const list = [state('a', 1, '01')];
    const added = upsertDownload(list, state('b', 5, '02'))!;
    expect(added.map((d) => d.id)).toEqual(['a', 'b']);
    const moved = upsertDownload(added, state('a', 9, '03'))!;
    expect(moved.map((d) => d.receivedBytes)).toEqual([9, 5]);
    expect(list[0]!.receivedBytes).toBe(1);
  });

  it('ignores a state older than the one held', () => {
    const list = [state('a', 9, '05')];
    expect(upsertDownload(list, state('a', 1, '04', { status: 'paused' }))).toBe(list);
  });
});
