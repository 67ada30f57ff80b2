import { describe, expect, it } from 'vitest';
import type { GpuSample } from '../../../shared/resources';
import { freeMemoryForModels } from './free-memory';

const GiB = 1024 ** 3;
const gpu = (index: number, total?: number, used?: number): GpuSample => ({
  index,
  name: `GPU ${index}`,
  vendor: 'nvidia',
  ...(total !== undefined ? { vramTotalBytes: total } : {}),
  ...(used !== undefined ? { vramUsedBytes: used } : {}),
});

describe('freeMemoryForModels', () => {
  it('adds the free VRAM of the GPU with the most of it to the free RAM: what does not fit on the GPU runs from RAM', () => {
    expect(freeMemoryForModels([gpu(0, 8 * GiB, 6 * GiB), gpu(1, 24 * GiB, 4 * GiB)], 16 * GiB)).toBe(36 * GiB);
    expect(freeMemoryForModels([gpu(0, 8 * GiB, 7 * GiB)], 3 * GiB)).toBe(4 * GiB);
  });

  it('is the free RAM without a GPU sample', () => {
    expect(freeMemoryForModels(undefined, 3 * GiB)).toBe(3 * GiB);
  });

  it('ignores GPUs that share system memory or whose memory could not be read', () => {
    expect(freeMemoryForModels([gpu(0), gpu(1, 8 * GiB)], 2 * GiB)).toBe(2 * GiB);
  });
});
