import type { GpuSample } from '../../../shared/resources';

/** Live GPU readings from one vendor's tool. */
export interface GpuSource {
  readonly name: string;
  /** The newest reading of each GPU; a GPU the tool stopped reporting drops out. */
  readings(): GpuSample[];
  /** GPU memory per PID, where the tool reports it (cached for a few seconds). */
  processMemory(): Promise<ReadonlyMap<number, number>>;
  setIntervalMs(intervalMs: number): void;
  close(): void;
}

/** Keeps the latest reading per GPU index and forgets those older than `maxAgeMs` (times from performance.now()). */
export class LatestReadings {
  private readonly latest = new Map<number, { reading: GpuSample; at: number }>();

  constructor(public maxAgeMs: number) {}

  set(reading: GpuSample, at = performance.now()): void {
    this.latest.set(reading.index, { reading, at });
  }

  replaceAll(readings: readonly GpuSample[], at = performance.now()): void {
    this.latest.clear();
    for (const reading of readings) this.set(reading, at);
  }

  current(now = performance.now()): GpuSample[] {
    return [...this.latest.values()]
      .filter((entry) => now - entry.at <= this.maxAgeMs)
      .map((entry) => entry.reading)
      .sort((a, b) => a.index - b.index);
  }
}

/** A source with no GPUs: machines without a supported tool. */
export const NO_GPUS: GpuSource = {
  name: 'none',
  readings: () => [],
  processMemory: async () => new Map(),
  setIntervalMs: () => undefined,
  close: () => undefined,
};

/** How long a reading stays current: a few missed intervals, at least 5 s. */
export function staleAfterMs(intervalMs: number): number {
  return Math.max(5_000, intervalMs * 3);
}
