import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../../shared/system';
import { parseIoregAccelerators, parseSystemProfilerDisplays } from './apple';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('system_profiler parser on recorded output', () => {
  it('reads Apple Silicon as shared memory with its Metal version and GPU cores', () => {
    expect(parseSystemProfilerDisplays(fixture('system-profiler-m2-pro.json'))).toEqual<GpuInfo[]>([
      { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, metal: 'Metal 3', cores: 19, source: 'system_profiler' },
    ]);
  });

  it('takes the name from sppci_model where older macOS says "kHW_AppleM1Item"', () => {
    expect(parseSystemProfilerDisplays(fixture('system-profiler-m1-khw.json'))).toMatchObject([
      { vendor: 'apple', model: 'Apple M1', cores: 8 },
    ]);
  });

  it('reads an Intel Mac with an integrated and a discrete GPU', () => {
    expect(parseSystemProfilerDisplays(fixture('system-profiler-intel-amd.json'))).toEqual<GpuInfo[]>([
      { vendor: 'intel', model: 'Intel UHD Graphics 630', sharedMemory: true, metal: 'Metal (Mac 2 family)', source: 'system_profiler' },
      {
        vendor: 'amd',
        model: 'AMD Radeon Pro 5500M',
        vramMiB: 8192,
        sharedMemory: false,
        metal: 'Metal (Mac 2 family)',
        source: 'system_profiler',
      },
    ]);
  });

  it('returns nothing for output that is not its JSON', () => {
    expect(parseSystemProfilerDisplays('')).toEqual([]);
    expect(parseSystemProfilerDisplays('{"SPDisplaysDataType": "none"}')).toEqual([]);
  });
});

describe('ioreg IOAccelerator (macOS)', () => {
  it('reads Apple Silicon utilisation and in-use memory, with no VRAM total (shared memory)', () => {
    expect(parseIoregAccelerators(fixture('ioreg-apple-m2pro.txt'))).toEqual([
      { index: 0, name: 'Apple M2 Pro', vendor: 'apple', utilPercent: 34, vramUsedBytes: 9126805504 },
    ]);
  });

  it('reads an Intel Mac’s iGPU and Radeon, whose model is printed as data', () => {
    const [intel, radeon] = parseIoregAccelerators(fixture('ioreg-intel-mac-radeon.txt'));
    expect(intel).toMatchObject({ index: 0, name: 'IntelAccelerator', vendor: 'intel', utilPercent: 0 });
    expect(radeon).toEqual({
      index: 1,
      name: 'AMD Radeon Pro 5500M',
      vendor: 'amd',
      utilPercent: 12,
      vramUsedBytes: 1606418432,
      vramTotalBytes: 1606418432 + 6983516160,
      temperatureC: 47,
    });
  });
});
