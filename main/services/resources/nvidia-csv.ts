import type { GpuSample } from '../../../shared/resources';

const MIB = 1024 * 1024;

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

/** One long-lived nvidia-smi that prints a line per GPU every `intervalMs`. */
export function nvidiaGpuArgs(intervalMs: number): string[] {
  return [`--query-gpu=${NVIDIA_GPU_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(Math.max(100, Math.round(intervalMs)))];
}

/** Per-process GPU memory, streamed the same way (a line per process per GPU, every `intervalMs`). */
export function nvidiaComputeAppsArgs(intervalMs: number): string[] {
  return ['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits', '-lms', String(Math.max(100, Math.round(intervalMs)))];
}

export interface NvidiaGpuReading extends GpuSample {
  uuid: string;
}

/**
 * A number, or undefined for what nvidia-smi prints instead of one: "[N/A]", "[Not Supported]",
 * "[Unknown Error]", "[Insufficient Permissions]", "N/A".
 */
function numberOf(field: string | undefined): number | undefined {
  const text = field?.trim() ?? '';
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * One line of `--query-gpu=<NVIDIA_GPU_FIELDS> --format=csv,noheader,nounits`; undefined for
 * anything else nvidia-smi may print on the same stream (driver errors, a blank line).
 */
export function parseNvidiaGpuLine(line: string): NvidiaGpuReading | undefined {
  const parts = line.split(',');
  if (parts.length < NVIDIA_GPU_FIELDS.length) return undefined;
  const [index, uuid, util, used, total, temperature, power] = parts;
  const name = parts.slice(NVIDIA_GPU_FIELDS.length - 1).join(',').trim();
  const gpuIndex = numberOf(index);
  if (gpuIndex === undefined || !Number.isInteger(gpuIndex) || !uuid?.trim().startsWith('GPU-')) return undefined;
  const usedMiB = numberOf(used);
  const totalMiB = numberOf(total);
  const reading: NvidiaGpuReading = { index: gpuIndex, uuid: uuid.trim(), name, vendor: 'nvidia' };
  const utilPercent = numberOf(util);
  const temperatureC = numberOf(temperature);
  const powerW = numberOf(power);
  if (utilPercent !== undefined) reading.utilPercent = utilPercent;
  if (usedMiB !== undefined) reading.vramUsedBytes = usedMiB * MIB;
  if (totalMiB !== undefined) reading.vramTotalBytes = totalMiB * MIB;
  if (temperatureC !== undefined) reading.temperatureC = temperatureC;
  if (powerW !== undefined) reading.powerW = powerW;
  return reading;
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
