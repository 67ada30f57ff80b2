import { describe, expect, it } from 'vitest';
import type { ResourceSample } from '../../../shared/resources';
import { coreValues, gpusIn, gpuValues, vramPercent } from './series';

const base = {
  cpu: { percent: 0, perCore: [1, 2] },
  memory: { usedBytes: 0, totalBytes: 1, swapUsedBytes: 0, swapTotalBytes: 0 },
  disk: { path: '/', freeBytes: 0, totalBytes: 0 },
  providers: [],
};
const samples: ResourceSample[] = [
  { ...base, at: 1, gpus: [{ index: 0, name: 'A', vendor: 'nvidia', utilPercent: 10, vramUsedBytes: 1, vramTotalBytes: 4 }] },
  { ...base, at: 2, gpus: [{ index: 1, name: 'M2', vendor: 'apple', utilPercent: 5, vramUsedBytes: 3 }] },
  { ...base, at: 3, gpus: [{ index: 0, name: 'A', vendor: 'nvidia', utilPercent: 30, vramUsedBytes: 2, vramTotalBytes: 4 }] },
];

describe('chart series', () => {
  it('lists every GPU seen, and marks shared-memory ones', () => {
    expect(gpusIn(samples)).toEqual([
      { index: 0, name: 'A', shared: false },
      { index: 1, name: 'M2', shared: true },
    ]);
  });

  it('breaks a GPU’s line where it was not reported', () => {
    expect(gpuValues(samples, 0, (g) => g.utilPercent)).toEqual([10, null, 30]);
    expect(gpuValues(samples, 0, vramPercent)).toEqual([25, null, 50]);
    expect(gpuValues(samples, 1, vramPercent)).toEqual([null, null, null]);
  });

  it('splits per-core use into one line per core', () => {
    expect(coreValues(samples)).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });
});
