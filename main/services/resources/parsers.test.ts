import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIoregAccelerators } from './ioreg';
import { nvidiaComputeAppsArgs, nvidiaGpuArgs, parseNvidiaComputeAppLine, parseNvidiaGpuLine } from './nvidia-csv';
import { parsePsTable, treeMembers } from './process-table';
import { parseRocmSmiJson, parseRocmSmiPids } from './rocm-smi';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const MIB = 1024 * 1024;

describe('nvidia-smi --query-gpu stream', () => {
  it('reads every line of a one-GPU stream, in order', () => {
    const readings = fixture('nvidia-smi-stream-1gpu.csv').split('\n').filter(Boolean).map(parseNvidiaGpuLine);
    expect(readings).toHaveLength(6);
    expect(readings.map((r) => r?.utilPercent)).toEqual([0, 2, 41, 97, 96, 12]);
    expect(readings[3]).toEqual({
      index: 0,
      uuid: 'GPU-8f1e9c2a-3b47-5d61-9e0f-7a2c4b6d8e13',
      name: 'NVIDIA GeForce RTX 4090',
      vendor: 'nvidia',
      utilPercent: 97,
      vramUsedBytes: 18342 * MIB,
      vramTotalBytes: 24564 * MIB,
      temperatureC: 57,
      powerW: 402.66,
    });
  });

  it('tells two GPUs apart and leaves out a power reading printed as [N/A]', () => {
    const readings = fixture('nvidia-smi-stream-2gpu.csv').split('\n').filter(Boolean).map(parseNvidiaGpuLine);
    expect(readings.map((r) => r?.index)).toEqual([0, 1, 0, 1, 0, 1]);
    const laptop = readings[5]!;
    expect(laptop.name).toBe('NVIDIA GeForce RTX 3060 Laptop GPU');
    expect(laptop.vramUsedBytes).toBe(4410 * MIB);
    expect(laptop.temperatureC).toBe(61);
    expect(laptop).not.toHaveProperty('powerW');
    expect(readings[4]!.powerW).toBe(338.02);
  });

  it('ignores what nvidia-smi prints instead of numbers when the driver is broken', () => {
    expect(fixture('nvidia-smi-driver-mismatch.txt').split('\n').map(parseNvidiaGpuLine).filter(Boolean)).toEqual([]);
    expect(parseNvidiaGpuLine('')).toBeUndefined();
  });

  it('keeps a name that holds a comma whole, since the name is queried last', () => {
    const line = '0, GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, 5, 100, 8192, 40, 30.00, Acme GPU, rev 2';
    expect(parseNvidiaGpuLine(line)?.name).toBe('Acme GPU, rev 2');
  });

  it('asks for the fields the parser reads, in one looping process', () => {
    const args = nvidiaGpuArgs(1000);
    expect(args).toEqual([
      '--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,name',
      '--format=csv,noheader,nounits',
      '-lms',
      '1000',
    ]);
  });

  it('reads per-process GPU memory lines and skips [N/A]', () => {
    const apps = fixture('nvidia-smi-compute-apps.csv').split('\n').map(parseNvidiaComputeAppLine);
    expect(apps.filter(Boolean)).toEqual([
      { pid: 48213, gpuUuid: 'GPU-2d5b7a10-94c3-1e8f-b6a2-3c9d0e7f5a41', usedBytes: 17920 * MIB },
      { pid: 48377, gpuUuid: 'GPU-2d5b7a10-94c3-1e8f-b6a2-3c9d0e7f5a41', usedBytes: 1290 * MIB },
      { pid: 48377, gpuUuid: 'GPU-c41f8e27-6a09-d3b5-2e7c-81f4a6b90d52', usedBytes: 3096 * MIB },
    ]);
    expect(nvidiaComputeAppsArgs(500)).toEqual(['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits', '-lms', '500']);
  });
});

describe('rocm-smi --json', () => {
  it('reads ROCm 5 key names', () => {
    expect(parseRocmSmiJson(fixture('rocm-smi-5.7-1gpu.json'))).toEqual([
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
    const [first, second] = parseRocmSmiJson(fixture('rocm-smi-6.2-2gpu.json'));
    expect(first).toMatchObject({ index: 0, name: 'Radeon RX 7900 XTX', utilPercent: 99, vramUsedBytes: 21474836480, temperatureC: 52, powerW: 287 });
    expect(second).toMatchObject({ index: 1, name: 'Radeon RX 6800', utilPercent: 0, vramTotalBytes: 17163091968 });
    expect(second).not.toHaveProperty('powerW');
  });

  it('skips the warning rocm-smi prints before its JSON', () => {
    expect(parseRocmSmiJson(fixture('rocm-smi-low-power-warning.txt'))).toEqual([
      { index: 0, name: 'Phoenix1', vendor: 'amd', utilPercent: 0, vramUsedBytes: 97951744, vramTotalBytes: 536870912, temperatureC: 31, powerW: 5 },
    ]);
  });

  it('reads VRAM per process from --showpids', () => {
    expect([...parseRocmSmiPids(fixture('rocm-smi-pids.json')).entries()]).toEqual([
      [48213, 20401094656],
      [48377, 3221225472],
    ]);
  });

  it('returns nothing for output that is not JSON', () => {
    expect(parseRocmSmiJson('ERROR: GPU[0] : Unable to get GPU memory use.')).toEqual([]);
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

describe('process table', () => {
  const table = parsePsTable(
    ['    1     0     1', '  100     1   100', '  101   100   100', '  102   101   100', '  150     1   100', '  200     1   200', '  201   200   200', ''].join('\n'),
  );

  it('parses ps rows', () => {
    expect(table).toHaveLength(7);
    expect(table[2]).toEqual({ pid: 101, ppid: 100, pgid: 100 });
  });

  it('finds descendants and orphaned members of the root’s group, and nothing else', () => {
    expect([...treeMembers([100], table)].sort()).toEqual([100, 101, 102, 150]);
    expect([...treeMembers([200], table)].sort()).toEqual([200, 201]);
    expect([...treeMembers([999], table)]).toEqual([999]);
  });
});
