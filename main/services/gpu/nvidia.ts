import type { GpuSample } from '../../../shared/resources';
import type { GpuInfo } from '../../../shared/system';
import { csvRowWithFreeText, MIB, numberOf, textOf, withReadings } from './tool-output';

/**
 * What nvidia-smi prints, for the inventory (one `--query-gpu` of what each GPU is) and for live
 * sampling (a looping `--query-gpu` of what each GPU is doing, and `--query-compute-apps`).
 * Every query asks `--format=csv,noheader,nounits`; the GPU's name is the one free-text column.
 */

// ---- Inventory ------------------------------------------------------------------------------

/** Columns asked of `nvidia-smi --query-gpu`; the parser reads them in this order. */
export const NVIDIA_QUERY = ['index', 'name', 'pci.bus_id', 'memory.total', 'memory.free', 'driver_version'] as const;
export const NVIDIA_QUERY_ARGS = [`--query-gpu=${NVIDIA_QUERY.join(',')}`, '--format=csv,noheader,nounits'] as const;

/** Parses `nvidia-smi --query-gpu=<NVIDIA_QUERY> --format=csv,noheader,nounits`, one line per GPU. */
export function parseNvidiaSmiQuery(text: string, cudaVersion?: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    // The name is the only free text: any comma in it belongs to it.
    const row = csvRowWithFreeText(line, NVIDIA_QUERY.length, 1);
    if (!row || !/^\d+$/.test(row[0]!.trim())) continue;
    const [, , busId, total, free, driver] = row.map(textOf);
    const totalMiB = numberOf(total);
    const freeMiB = numberOf(free);
    gpus.push({
      vendor: 'nvidia',
      model: row[1]!.trim(),
      ...(totalMiB !== undefined ? { vramMiB: totalMiB } : {}),
      ...(freeMiB !== undefined ? { vramFreeMiB: freeMiB } : {}),
      // Grace Blackwell (GB10) and Jetson share memory with the CPU and report no framebuffer size.
      sharedMemory: totalMiB === undefined,
      ...(driver ? { driverVersion: driver } : {}),
      ...(cudaVersion ? { cudaVersion } : {}),
      ...(busId ? { busId } : {}),
      source: 'nvidia-smi',
    });
  }
  return gpus;
}

/** "CUDA Version: 12.4" (the banner) or "CUDA Version : 12.4" (`-q`, `--version`). */
export function parseCudaVersion(text: string): string | undefined {
  return /CUDA Version\s*:\s*(\d+\.\d+)/i.exec(text)?.[1];
}

// ---- Live sampling --------------------------------------------------------------------------

/** The name goes last: it is the one field that could hold a comma. */
export const NVIDIA_GPU_FIELDS = [
  'index',
  'uuid',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'name',
] as const;

/** How often a looping query prints, as `-lms` wants it (100 ms at the least). */
function loopArgs(intervalMs: number): string[] {
  return ['--format=csv,noheader,nounits', '-lms', String(Math.max(100, Math.round(intervalMs)))];
}

/** One long-lived nvidia-smi that prints a line per GPU every `intervalMs`. */
export function nvidiaGpuArgs(intervalMs: number): string[] {
  return [`--query-gpu=${NVIDIA_GPU_FIELDS.join(',')}`, ...loopArgs(intervalMs)];
}

/** Per-process GPU memory, streamed the same way (a line per process per GPU, every `intervalMs`). */
export function nvidiaComputeAppsArgs(intervalMs: number): string[] {
  return ['--query-compute-apps=pid,gpu_uuid,used_memory', ...loopArgs(intervalMs)];
}

export interface NvidiaGpuReading extends GpuSample {
  uuid: string;
}

/**
 * One line of `--query-gpu=<NVIDIA_GPU_FIELDS> --format=csv,noheader,nounits`; undefined for
 * anything else nvidia-smi may print on the same stream (driver errors, a blank line).
 */
export function parseNvidiaGpuLine(line: string): NvidiaGpuReading | undefined {
  const row = csvRowWithFreeText(line, NVIDIA_GPU_FIELDS.length, NVIDIA_GPU_FIELDS.length - 1);
  if (!row) return undefined;
  const [index, uuid, util, used, total, temperature, power, name] = row;
  const gpuIndex = numberOf(index);
  if (gpuIndex === undefined || !Number.isInteger(gpuIndex) || !uuid?.trim().startsWith('GPU-')) return undefined;
  const bytes = (mib: number | undefined) => (mib === undefined ? undefined : mib * MIB);
  return withReadings<NvidiaGpuReading>(
    { index: gpuIndex, uuid: uuid.trim(), name: name!.trim(), vendor: 'nvidia' },
    {
      utilPercent: numberOf(util),
      vramUsedBytes: bytes(numberOf(used)),
      vramTotalBytes: bytes(numberOf(total)),
      temperatureC: numberOf(temperature),
      powerW: numberOf(power),
    },
  );
}

export interface NvidiaComputeApp {
  pid: number;
  gpuUuid: string;
  usedBytes: number;
}

/**
 * One line of `--query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits`;
 * undefined for anything else, including memory printed as "[N/A]" (WDDM, MIG).
 */
export function parseNvidiaComputeAppLine(line: string): NvidiaComputeApp | undefined {
  const [pidText, uuid, usedText] = line.split(',');
  const pid = numberOf(pidText);
  const usedMiB = numberOf(usedText);
  const gpuUuid = uuid?.trim() ?? '';
  if (pid === undefined || usedMiB === undefined || !gpuUuid.startsWith('GPU-')) return undefined;
  return { pid, gpuUuid, usedBytes: usedMiB * MIB };
}
