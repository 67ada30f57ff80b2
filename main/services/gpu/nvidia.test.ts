import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../../shared/system';
import {
  nvidiaComputeAppsArgs,
  nvidiaGpuArgs,
  parseCudaVersion,
  parseNvidiaComputeAppLine,
  parseNvidiaGpuLine,
  parseNvidiaSmiQuery,
} from './nvidia';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const MIB = 1024 * 1024;

describe('nvidia-smi parsers on recorded output', () => {
  it('reads two GPUs with VRAM total and free, driver, bus id and the CUDA version from the banner', () => {
    const cuda = parseCudaVersion(fixture('nvidia-smi-banner-2gpu.txt'));
    expect(cuda).toBe('12.4');
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-query-2gpu.csv'), cuda)).toEqual<GpuInfo[]>([
      {
        vendor: 'nvidia',
        model: 'NVIDIA GeForce RTX 4090',
        vramMiB: 24564,
        vramFreeMiB: 23975,
        sharedMemory: false,
        driverVersion: '550.54.15',
        cudaVersion: '12.4',
        busId: '00000000:01:00.0',
        source: 'nvidia-smi',
      },
      {
        vendor: 'nvidia',
        model: 'NVIDIA GeForce RTX 3090',
        vramMiB: 24576,
        vramFreeMiB: 2130,
        sharedMemory: false,
        driverVersion: '550.54.15',
        cudaVersion: '12.4',
        busId: '00000000:4C:00.0',
        source: 'nvidia-smi',
      },
    ]);
  });

  it('treats [N/A] memory as unknown: a GB10 shares memory with its CPU', () => {
    const cuda = parseCudaVersion(fixture('nvidia-smi-banner-gb10.txt'));
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-query-gb10.csv'), cuda)).toEqual<GpuInfo[]>([
      {
        vendor: 'nvidia',
        model: 'NVIDIA GB10',
        sharedMemory: true,
        driverVersion: '580.95.05',
        cudaVersion: '13.0',
        busId: '0000000F:01:00.0',
        source: 'nvidia-smi',
      },
    ]);
  });

  it('finds the CUDA version in `nvidia-smi -q` and `--version` output too', () => {
    expect(parseCudaVersion(fixture('nvidia-smi-q.txt'))).toBe('12.2');
    expect(
      parseCudaVersion(readFileSync(path.join(import.meta.dirname, '..', 'system', 'fixtures', 'tool-versions', 'nvidia-smi.txt'), 'utf8')),
    ).toBe('12.4');
    expect(parseCudaVersion(fixture('nvidia-smi-failed.txt'))).toBeUndefined();
  });

  it('keeps a comma that is part of the name, and skips lines that are not GPU rows', () => {
    expect(parseNvidiaSmiQuery('0, Quadro RTX 8000, rev A, 00000000:65:00.0, 49152, 48000, 535.183.01\n\n').map((g) => g.model)).toEqual([
      'Quadro RTX 8000, rev A',
    ]);
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-failed.txt'))).toEqual([]);
  });
});

describe('nvidia-smi as captured on a real NVIDIA H200 (driver 580.159.04, CUDA 13.0), idle and then under load', () => {
  it('reads the inventory as the wizard shows it, with the CUDA version from the banner and from `-q`', () => {
    const cuda = parseCudaVersion(fixture('nvidia-smi-banner-h200.txt'));
    expect(cuda).toBe('13.0');
    expect(parseCudaVersion(fixture('nvidia-smi-q-h200.txt'))).toBe('13.0');
    expect(parseNvidiaSmiQuery(fixture('nvidia-smi-query-h200.csv'), cuda)).toEqual<GpuInfo[]>([
      {
        vendor: 'nvidia',
        model: 'NVIDIA H200',
        vramMiB: 143771,
        vramFreeMiB: 143156,
        sharedMemory: false,
        driverVersion: '580.159.04',
        cudaVersion: '13.0',
        busId: '00000000:00:06.0',
        source: 'nvidia-smi',
      },
    ]);
  });

  it('reads every line of the live stream as a process takes 31 GiB and the GPU goes to full use', () => {
    const readings = fixture('nvidia-smi-stream-h200.csv').split('\n').filter(Boolean).map(parseNvidiaGpuLine);
    expect(readings).toHaveLength(4);
    expect(readings[0]).toEqual({
      index: 0,
      uuid: 'GPU-2e2f0c12-368f-4fa9-52c5-bec1b3f36595',
      name: 'NVIDIA H200',
      vendor: 'nvidia',
      utilPercent: 2,
      vramUsedBytes: 31603 * MIB,
      vramTotalBytes: 143771 * MIB,
      temperatureC: 37,
      powerW: 92.62,
    });
    expect(readings.slice(1).map((r) => [r!.utilPercent, r!.vramUsedBytes! / MIB, r!.powerW])).toEqual([
      [100, 31731, 650.02],
      [100, 31731, 684.62],
      [100, 31731, 690.55],
    ]);
  });

  it("attributes the GPU memory to the process that holds it, by the PID the machine's own `ps` shows", () => {
    const apps = fixture('nvidia-smi-compute-apps-h200.csv').split('\n').filter(Boolean).map(parseNvidiaComputeAppLine);
    expect(apps).toEqual(Array(3).fill({ pid: 526, gpuUuid: 'GPU-2e2f0c12-368f-4fa9-52c5-bec1b3f36595', usedBytes: 31722 * MIB }));
  });
});

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
    expect(nvidiaComputeAppsArgs(500)).toEqual([
      '--query-compute-apps=pid,gpu_uuid,used_memory',
      '--format=csv,noheader,nounits',
      '-lms',
      '500',
    ]);
  });
});
