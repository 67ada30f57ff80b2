import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Systeminformation } from 'systeminformation';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../shared/system';
import { tempDir } from '../../test/temp-dir';
import {
  detectGpus,
  gpusFromControllers,
  mainAccelerator,
  normaliseVendor,
  NVIDIA_QUERY_ARGS,
  parseCudaVersion,
  parseNvidiaSmiQuery,
  parseRocmSmiJson,
  parseRocmVersion,
  parseSystemProfilerDisplays,
  probeNvidiaSmi,
  probeRocmSmi,
  ROCM_SMI_ARGS,
  type GpuProbeResult,
} from './gpu';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'gpu');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

type Controller = Systeminformation.GraphicsControllerData;
const controller = (fields: Partial<Controller>): Controller => ({ vendor: '', model: '', bus: '', vram: null, vramDynamic: false, ...fields });

describe('normaliseVendor', () => {
  it.each([
    ['NVIDIA Corporation', 'nvidia'],
    ['nVidia', 'nvidia'],
    ['Advanced Micro Devices, Inc. [AMD/ATI]', 'amd'],
    ['ATI Technologies Inc.', 'amd'],
    ['AMD', 'amd'],
    ['Apple', 'apple'],
    ['Intel Corporation', 'intel'],
    ['Intel', 'intel'],
    ['VMware', 'other'],
    ['Cirrus Logic', 'other'],
    ['', 'other'],
  ])('%j → %s', (vendor, expected) => {
    expect(normaliseVendor(vendor)).toBe(expected);
  });

  it('does not take "Corporation" for ATI', () => {
    expect(normaliseVendor('Matrox Electronics Systems Corporation')).toBe('other');
  });

  it('falls back to the model name, then to the PCI vendor id', () => {
    expect(normaliseVendor('', 'NVIDIA GeForce RTX 4090')).toBe('nvidia');
    expect(normaliseVendor(undefined, 'Radeon RX 7900 XTX')).toBe('amd');
    expect(normaliseVendor('', '', '10de')).toBe('nvidia');
    expect(normaliseVendor('', '', '0x1002')).toBe('amd');
    expect(normaliseVendor('', '', '8086')).toBe('intel');
    expect(normaliseVendor('', '', 'abcd')).toBe('other');
  });
});

describe('gpusFromControllers', () => {
  it('reads vendor, model, dedicated VRAM and driver as systeminformation reports them', () => {
    const gpus = gpusFromControllers([
      // Linux with nvidia-smi present: systeminformation merges its figures in.
      controller({ vendor: 'NVIDIA Corporation', model: 'AD102 [GeForce RTX 4090]', name: 'NVIDIA GeForce RTX 4090', vram: 24564, memoryTotal: 24564, driverVersion: '550.54.14' }),
      controller({ vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Navi 31 [Radeon RX 7900 XTX]', vram: 24560 }),
      controller({ vendor: 'Intel Corporation', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', vram: 128, vramDynamic: true }),
      controller({ vendor: 'Apple', model: 'Apple M2 Pro', vram: null, vramDynamic: true, cores: 19, metalVersion: 'Metal 3' }),
    ]);
    expect(gpus).toEqual<GpuInfo[]>([
      { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24564, sharedMemory: false, driverVersion: '550.54.14', source: 'systeminformation' },
      { vendor: 'amd', model: 'Navi 31 [Radeon RX 7900 XTX]', vramMiB: 24560, sharedMemory: false, source: 'systeminformation' },
      { vendor: 'intel', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', sharedMemory: true, source: 'systeminformation' },
      { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, source: 'systeminformation' },
    ]);
  });

  it('leaves VRAM out when it is unknown', () => {
    expect(gpusFromControllers([controller({ vendor: 'VMware', model: 'SVGA II Adapter', vram: 0 })])).toEqual([
      { vendor: 'other', model: 'SVGA II Adapter', sharedMemory: false, source: 'systeminformation' },
    ]);
  });
});

describe('mainAccelerator', () => {
  const gpu = (vendor: GpuInfo['vendor']): GpuInfo => ({ vendor, model: vendor, sharedMemory: false, source: 'test' });

  it('prefers a discrete NVIDIA or AMD card over an integrated GPU', () => {
    expect(mainAccelerator([gpu('intel'), gpu('nvidia')])).toBe('nvidia');
    expect(mainAccelerator([gpu('intel'), gpu('amd')])).toBe('amd');
    expect(mainAccelerator([gpu('apple')])).toBe('apple');
    expect(mainAccelerator([gpu('intel')])).toBe('intel');
    expect(mainAccelerator([gpu('other')])).toBe('none');
    expect(mainAccelerator([])).toBe('none');
  });
});

describe('nvidia-smi parsers on recorded output', () => {
  it('reads two GPUs with VRAM total and free, driver, bus id and the CUDA version from the banner', () => {
    const cuda = parseCudaVersion(fixture('nvidia-smi-banner-2gpu.txt'));
    expect(cuda).toBe('12.4');
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-query-2gpu.csv'), cuda)).toEqual<GpuInfo[]>([
      { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24564, vramFreeMiB: 23975, sharedMemory: false, driverVersion: '550.54.15', cudaVersion: '12.4', busId: '00000000:01:00.0', source: 'nvidia-smi' },
      { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 3090', vramMiB: 24576, vramFreeMiB: 2130, sharedMemory: false, driverVersion: '550.54.15', cudaVersion: '12.4', busId: '00000000:4C:00.0', source: 'nvidia-smi' },
    ]);
  });

  it('treats [N/A] memory as unknown: a GB10 shares memory with its CPU', () => {
    const cuda = parseCudaVersion(fixture('nvidia-smi-banner-gb10.txt'));
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-query-gb10.csv'), cuda)).toEqual<GpuInfo[]>([
      { vendor: 'nvidia', model: 'NVIDIA GB10', sharedMemory: true, driverVersion: '580.95.05', cudaVersion: '13.0', busId: '0000000F:01:00.0', source: 'nvidia-smi' },
    ]);
  });

  it('finds the CUDA version in `nvidia-smi -q` and `--version` output too', () => {
    expect(parseCudaVersion(fixture('nvidia-smi-q.txt'))).toBe('12.2');
    expect(parseCudaVersion(readFileSync(path.join(import.meta.dirname, 'fixtures', 'tool-versions', 'nvidia-smi.txt'), 'utf8'))).toBe('12.4');
    expect(parseCudaVersion(fixture('nvidia-smi-failed.txt'))).toBeUndefined();
  });

  it('keeps a comma that is part of the name, and skips lines that are not GPU rows', () => {
    expect(parseNvidiaSmiQuery('0, Quadro RTX 8000, rev A, 00000000:65:00.0, 49152, 48000, 535.183.01\n\n').map((g) => g.model)).toEqual(['Quadro RTX 8000, rev A']);
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-failed.txt'))).toEqual([]);
  });
});

describe('rocm-smi parser on recorded output', () => {
  it('reads two MI210s as ROCm 6 spells them, with VRAM free, driver and ROCm version', () => {
    const gpus = parseRocmSmiJson(fixture('rocm-smi-2x-mi210.json'), parseRocmVersion(fixture('rocm-info-version.txt')));
    const mi210 = { vendor: 'amd', model: 'AMD Instinct MI210', vramMiB: 65520, sharedMemory: false, driverVersion: '6.8.5', rocmVersion: '6.2.4', source: 'rocm-smi' } as const;
    expect(gpus).toEqual<GpuInfo[]>([
      { ...mi210, vramFreeMiB: 65510 },
      { ...mi210, vramFreeMiB: 32752 },
    ]);
  });

  it('reads the ROCm 5 spelling ("Card series")', () => {
    expect(parseRocmSmiJson(fixture('rocm-smi-rx7900xtx-rocm5.json'))).toEqual<GpuInfo[]>([
      { vendor: 'amd', model: 'Radeon RX 7900 XTX', vramMiB: 24560, vramFreeMiB: 23536, sharedMemory: false, driverVersion: '6.2.4', source: 'rocm-smi' },
    ]);
  });

  it('skips a warning printed before the JSON and names a card pci.ids does not know by its id', () => {
    expect(parseRocmSmiJson(fixture('rocm-smi-unnamed-with-warning.txt'))).toMatchObject([{ model: 'AMD GPU 0x747e', vramMiB: 16368, vramFreeMiB: 16098 }]);
  });

  it('returns nothing for output that is not its JSON', () => {
    expect(parseRocmSmiJson('ERROR: GPU[0] : Unable to open device')).toEqual([]);
    expect(parseRocmSmiJson('{ not json }')).toEqual([]);
    expect(parseRocmVersion('')).toBeUndefined();
  });
});

describe('system_profiler parser on recorded output', () => {
  it('reads Apple Silicon as shared memory with its Metal version and GPU cores', () => {
    expect(parseSystemProfilerDisplays(fixture('system-profiler-m2-pro.json'))).toEqual<GpuInfo[]>([
      { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, metal: 'Metal 3', cores: 19, source: 'system_profiler' },
    ]);
  });

  it('takes the name from sppci_model where older macOS says "kHW_AppleM1Item"', () => {
    expect(parseSystemProfilerDisplays(fixture('system-profiler-m1-khw.json'))).toMatchObject([{ vendor: 'apple', model: 'Apple M1', cores: 8 }]);
  });

  it('reads an Intel Mac with an integrated and a discrete GPU', () => {
    expect(parseSystemProfilerDisplays(fixture('system-profiler-intel-amd.json'))).toEqual<GpuInfo[]>([
      { vendor: 'intel', model: 'Intel UHD Graphics 630', sharedMemory: true, metal: 'Metal (Mac 2 family)', source: 'system_profiler' },
      { vendor: 'amd', model: 'AMD Radeon Pro 5500M', vramMiB: 8192, sharedMemory: false, metal: 'Metal (Mac 2 family)', source: 'system_profiler' },
    ]);
  });

  it('returns nothing for output that is not its JSON', () => {
    expect(parseSystemProfilerDisplays('')).toEqual([]);
    expect(parseSystemProfilerDisplays('{"SPDisplaysDataType": "none"}')).toEqual([]);
  });
});

/** A real executable on a temp PATH that prints a fixture when called with exactly `args`. */
async function standIn(dir: string, name: string, cases: Array<{ args: readonly string[]; file?: string; exit?: number }>): Promise<void> {
  const branches = cases
    .map(({ args, file, exit = 0 }) => `  ${JSON.stringify(args.join(' '))}) ${file ? `/bin/cat ${JSON.stringify(path.join(FIXTURES, file))}; ` : ''}exit ${exit} ;;`)
    .join('\n');
  await writeFile(path.join(dir, name), `#!/bin/sh\ncase "$*" in\n${branches}\n  *) echo "unexpected arguments: $*" >&2; exit 64 ;;\nesac\n`);
  await chmod(path.join(dir, name), 0o755);
}

describe('vendor probes running the tools', () => {
  it('runs nvidia-smi twice (query and banner) and combines what they print', async () => {
    const bin = await tempDir();
    await standIn(bin, 'nvidia-smi', [
      { args: NVIDIA_QUERY_ARGS, file: 'nvidia-smi-query-2gpu.csv' },
      { args: [], file: 'nvidia-smi-banner-2gpu.txt' },
    ]);
    const found = await probeNvidiaSmi({ env: { ...process.env, PATH: bin } });
    expect(found.problems).toEqual([]);
    expect(found.gpus.map((g) => [g.model, g.vramMiB, g.cudaVersion])).toEqual([
      ['NVIDIA GeForce RTX 4090', 24564, '12.4'],
      ['NVIDIA GeForce RTX 3090', 24576, '12.4'],
    ]);
  });

  it('reports a driver nvidia-smi cannot reach as a problem, not as a GPU', async () => {
    const bin = await tempDir();
    await standIn(bin, 'nvidia-smi', [
      { args: NVIDIA_QUERY_ARGS, file: 'nvidia-smi-failed.txt', exit: 9 },
      { args: [], file: 'nvidia-smi-failed.txt', exit: 9 },
    ]);
    expect(await probeNvidiaSmi({ env: { ...process.env, PATH: bin } })).toEqual({
      gpus: [],
      problems: ["nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."],
    });
  });

  it('finds rocm-smi under ROCM_PATH when it is not on PATH, and reads the ROCm version there', async () => {
    const rocm = await tempDir();
    await mkdir(path.join(rocm, 'bin'));
    await mkdir(path.join(rocm, '.info'));
    await writeFile(path.join(rocm, '.info', 'version'), fixture('rocm-info-version.txt'));
    await standIn(path.join(rocm, 'bin'), 'rocm-smi', [{ args: ROCM_SMI_ARGS, file: 'rocm-smi-2x-mi210.json' }]);
    const found = await probeRocmSmi({ env: { ...process.env, PATH: await tempDir(), ROCM_PATH: rocm }, platform: 'linux' });
    expect(found.gpus.map((g) => [g.model, g.rocmVersion, g.driverVersion])).toEqual([
      ['AMD Instinct MI210', '6.2.4', '6.8.5'],
      ['AMD Instinct MI210', '6.2.4', '6.8.5'],
    ]);
  });

  it('find nothing, and no problem, where the tools are absent', async () => {
    const empty = { ...process.env, PATH: await tempDir(), ROCM_PATH: await tempDir() };
    expect(await probeNvidiaSmi({ env: empty })).toEqual({ gpus: [], problems: [] });
    expect(await probeRocmSmi({ env: empty, platform: 'linux' })).toEqual({ gpus: [], problems: [] });
  });
});

describe('detectGpus', () => {
  const gpu = (vendor: GpuInfo['vendor'], source: string, model = `${vendor} GPU`): GpuInfo => ({ vendor, model, sharedMemory: false, source });
  const probe = (result: Partial<GpuProbeResult>) => async (): Promise<GpuProbeResult> => ({ gpus: [], problems: [], ...result });

  it('reads this machine without failing', async () => {
    const { gpus } = await detectGpus();
    for (const g of gpus) {
      expect(['nvidia', 'amd', 'apple', 'intel', 'other']).toContain(g.vendor);
      expect(g.model).not.toBe('');
    }
  });

  it('combines the vendor tools and takes from the fallback only vendors they did not report', async () => {
    const result = await detectGpus({
      exact: [probe({ gpus: [gpu('nvidia', 'nvidia-smi')] }), probe({}), async () => Promise.reject(new Error('rocm-smi crashed'))],
      fallback: probe({ gpus: [gpu('nvidia', 'systeminformation', 'duplicate'), gpu('intel', 'systeminformation')] }),
    });
    expect(result.gpus).toEqual([gpu('nvidia', 'nvidia-smi'), gpu('intel', 'systeminformation')]);
    expect(result.problems).toEqual(['GPU probe failed: rocm-smi crashed']);
  });

  it('falls back entirely when no vendor tool answers, keeping why', async () => {
    const result = await detectGpus({
      exact: [probe({ problems: ['nvidia-smi failed: driver'] })],
      fallback: probe({ gpus: [gpu('nvidia', 'systeminformation')] }),
    });
    expect(result).toEqual({ gpus: [gpu('nvidia', 'systeminformation')], problems: ['nvidia-smi failed: driver'] });
    expect(await detectGpus({ exact: [] })).toEqual({ gpus: [], problems: [] });
  });
});
