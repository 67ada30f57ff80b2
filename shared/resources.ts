import { z } from 'zod';
import type { GpuVendor } from './system';

/** How far back the Resources page looks: the last minute at full rate, longer ranges downsampled. */
export const RESOURCE_RANGES = ['1m', '15m', '1h'] as const;
export const ResourceRangeSchema = z.enum(RESOURCE_RANGES);
export type ResourceRange = (typeof RESOURCE_RANGES)[number];
export const RANGE_MS: Record<ResourceRange, number> = { '1m': 60_000, '15m': 15 * 60_000, '1h': 60 * 60_000 };

/** One GPU at one moment; a field the tool could not read is absent. */
export interface GpuSample {
  index: number;
  name: string;
  vendor: GpuVendor;
  utilPercent?: number;
  vramUsedBytes?: number;
  /** Absent where the GPU shares system memory (Apple Silicon). */
  vramTotalBytes?: number;
  temperatureC?: number;
  powerW?: number;
}

/** What one provider's whole process tree costs the machine. */
export interface ProviderUsage {
  id: string;
  /** Percent of one core, summed over the tree (200 = two cores busy), as `top` shows it. */
  cpuPercent: number;
  rssBytes: number;
  /** GPU memory of the tree's processes, where nvidia-smi reports it. */
  vramBytes?: number;
  /** How many processes the tree had. */
  processes: number;
}

export interface ResourceSample {
  /** Epoch milliseconds. */
  at: number;
  cpu: {
    /** All cores together, 0–100. */
    percent: number;
    perCore: number[];
  };
  memory: { usedBytes: number; totalBytes: number; swapUsedBytes: number; swapTotalBytes: number };
  /** The file system holding the base directory. */
  disk: { path: string; freeBytes: number; totalBytes: number };
  gpus: GpuSample[];
  providers: ProviderUsage[];
}

export interface ResourceHistory {
  range: ResourceRange;
  /** Milliseconds between live samples (the sampling interval in force). */
  intervalMs: number;
  /** Oldest first; older points are averages over `bucketMs`, the last minute is at full rate. */
  samples: ResourceSample[];
  bucketMs: number;
}

export interface ResourceWatch {
  /** Samples stop coming this long after the last `resources.watch` from this client. */
  leaseMs: number;
  intervalMs: number;
}

export const ALERT_KINDS = ['provider', 'ram', 'vram', 'disk'] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The alerts whose condition still holds, oldest first. */
export interface AlertsInEffect {
  alerts: Alert[];
}

export interface Alert {
  /** Unique per alert, so clients can drop duplicates. */
  id: string;
  kind: AlertKind;
  at: number;
  title: string;
  message: string;
  /** For provider alerts. */
  providerId?: string;
}
