import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../../shared/system';
import { parseRocmSmiJson, parseRocmSmiPids, parseRocmSmiSamples, parseRocmVersion } from './rocm';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('rocm-smi parser on recorded output', () => {
  it('reads two MI210s as ROCm 6 spells them, with VRAM free, driver and ROCm version', () => {
    const gpus = parseRocmSmiJson(fixture('rocm-smi-2x-mi210.json'), parseRocmVersion(fixture('rocm-info-version.txt')));
    const mi210 = {
      vendor: 'amd',
      model: 'AMD Instinct MI210',
      vramMiB: 65520,
      sharedMemory: false,
      driverVersion: '6.8.5',
      rocmVersion: '6.2.4',
      source: 'rocm-smi',
    } as const;
    expect(gpus).toEqual<GpuInfo[]>([
      { ...mi210, vramFreeMiB: 65510 },
      { ...mi210, vramFreeMiB: 32752 },
    ]);
  });

  it('reads the ROCm 5 spelling ("Card series")', () => {
    expect(parseRocmSmiJson(fixture('rocm-smi-rx7900xtx-rocm5.json'))).toEqual<GpuInfo[]>([
      {
        vendor: 'amd',
        model: 'Radeon RX 7900 XTX',
        vramMiB: 24560,
        vramFreeMiB: 23536,
        sharedMemory: false,
        driverVersion: '6.2.4',
        source: 'rocm-smi',
      },
    ]);
  });

  it('skips a warning printed before the JSON and names a card pci.ids does not know by its id', () => {
    expect(parseRocmSmiJson(fixture('rocm-smi-unnamed-with-warning.txt'))).toMatchObject([
      { model: 'AMD GPU 0x747e', vramMiB: 16368, vramFreeMiB: 16098 },
    ]);
  });

  it('returns nothing for output that is not its JSON', () => {
    expect(parseRocmSmiJson('ERROR: GPU[0] : Unable to open device')).toEqual([]);
    expect(parseRocmSmiJson('{ not json }')).toEqual([]);
    expect(parseRocmVersion('')).toBeUndefined();
  });
});

describe('rocm-smi --json for live sampling', () => {
  it('reads ROCm 5 key names', () => {
    expect(parseRocmSmiSamples(fixture('rocm-smi-5.7-1gpu.json'))).toEqual([
      {
        index: 0,
        name: 'Radeon RX 7900 XTX',
        vendor: 'amd',
        utilPercent: 7,
        vramUsedBytes: 1172635648,
        vramTotalBytes: 25753026560,
        temperatureC: 44,
        powerW: 38,
      },
    ]);
  });

  it('reads ROCm 6 key names for two cards; a power of N/A is left out', () => {
    const [first, second] = parseRocmSmiSamples(fixture('rocm-smi-6.2-2gpu.json'));
    expect(first).toMatchObject({
      index: 0,
      name: 'Radeon RX 7900 XTX',
      utilPercent: 99,
      vramUsedBytes: 21474836480,
      temperatureC: 52,
      powerW: 287,
    });
    expect(second).toMatchObject({ index: 1, name: 'Radeon RX 6800', utilPercent: 0, vramTotalBytes: 17163091968 });
    expect(second).not.toHaveProperty('powerW');
  });

  it('skips the warning rocm-smi prints before its JSON', () => {
    expect(parseRocmSmiSamples(fixture('rocm-smi-low-power-warning.txt'))).toEqual([
      {
        index: 0,
        name: 'Phoenix1',
        vendor: 'amd',
        utilPercent: 0,
        vramUsedBytes: 97951744,
        vramTotalBytes: 536870912,
        temperatureC: 31,
        powerW: 5,
      },
    ]);
  });

  it('reads VRAM per process from --showpids', () => {
    expect([...parseRocmSmiPids(fixture('rocm-smi-pids.json')).entries()]).toEqual([
      [48213, 20401094656],
      [48377, 3221225472],
    ]);
  });

  it('returns nothing for output that is not JSON', () => {
    expect(parseRocmSmiSamples('ERROR: GPU[0] : Unable to get GPU memory use.')).toEqual([]);
  });
});

describe('rocm-smi output with text around its JSON', () => {
  const json = fixture('rocm-smi-5.7-1gpu.json').trim();
  const around = `WARNING: AMD GPU device(s) is/are in a low-power state\n${json}\nWARNING: one more line after the JSON\n`;

  it('is read the same by the inventory and by live sampling', () => {
    expect(parseRocmSmiJson(around)).toEqual(parseRocmSmiJson(json));
    expect(parseRocmSmiJson(around)).toMatchObject([{ model: 'Radeon RX 7900 XTX', vramMiB: 24560 }]);
    expect(parseRocmSmiSamples(around)).toEqual(parseRocmSmiSamples(json));
    expect(parseRocmSmiSamples(around)).toMatchObject([{ index: 0, name: 'Radeon RX 7900 XTX', utilPercent: 7 }]);
  });

  it('names a card the same way in both', () => {
    const unnamed = fixture('rocm-smi-unnamed-with-warning.txt');
    expect(parseRocmSmiSamples(unnamed).map((s) => s.name)).toEqual(parseRocmSmiJson(unnamed).map((g) => g.model));
  });
});
