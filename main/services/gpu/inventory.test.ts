import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Systeminformation } from 'systeminformation';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../../shared/system';
import { tempDir } from '../../../test/temp-dir';
import { detectGpus, gpusFromControllers, probeNvidiaSmi, probeRocmSmi, type GpuProbeResult } from './inventory';
import { NVIDIA_QUERY_ARGS } from './nvidia';
import { ROCM_SMI_ARGS } from './rocm';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

type Controller = Systeminformation.GraphicsControllerData;
const controller = (fields: Partial<Controller>): Controller => ({
  vendor: '',
  model: '',
  bus: '',
  vram: null,
  vramDynamic: false,
  ...fields,
});

describe('gpusFromControllers', () => {
  it('reads vendor, model, dedicated VRAM and driver as systeminformation reports them', () => {
    const gpus = gpusFromControllers([
      // Linux with nvidia-smi present: systeminformation merges its figures in.
      controller({
        vendor: 'NVIDIA Corporation',
        model: 'AD102 [GeForce RTX 4090]',
        name: 'NVIDIA GeForce RTX 4090',
        vram: 24564,
        memoryTotal: 24564,
        driverVersion: '550.54.14',
      }),
      controller({ vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Navi 31 [Radeon RX 7900 XTX]', vram: 24560 }),
      controller({ vendor: 'Intel Corporation', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', vram: 128, vramDynamic: true }),
      controller({ vendor: 'Apple', model: 'Apple M2 Pro', vram: null, vramDynamic: true, cores: 19, metalVersion: 'Metal 3' }),
    ]);
    expect(gpus).toEqual<GpuInfo[]>([
      {
        vendor: 'nvidia',
        model: 'NVIDIA GeForce RTX 4090',
        vramMiB: 24564,
        sharedMemory: false,
        driverVersion: '550.54.14',
        source: 'systeminformation',
      },
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

/** A real executable on a temp PATH that prints a fixture when called with exactly `args`. */
async function standIn(dir: string, name: string, cases: Array<{ args: readonly string[]; file?: string; exit?: number }>): Promise<void> {
  const branches = cases
    .map(
      ({ args, file, exit = 0 }) =>
        `  ${JSON.stringify(args.join(' '))}) ${file ? `/bin/cat ${JSON.stringify(path.join(FIXTURES, file))}; ` : ''}exit ${exit} ;;`,
    )
    .join('\n');
  await writeFile(
    path.join(dir, name),
    `#!/bin/sh\ncase "$*" in\n${branches}\n  *) echo "unexpected arguments: $*" >&2; exit 64 ;;\nesac\n`,
  );
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
      problems: [
        "nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      ],
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
  const gpu = (vendor: GpuInfo['vendor'], source: string, model = `${vendor} GPU`): GpuInfo => ({
    vendor,
    model,
    sharedMemory: false,
    source,
  });
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
