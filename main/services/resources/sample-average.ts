import type { GpuSample, ProviderUsage, ResourceSample } from '../../../shared/resources';

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** The mean of the values present; absent when none is. */
function meanOf<T>(items: readonly T[], pick: (item: T) => number | undefined): number | undefined {
  const values = items.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length > 0 ? mean(values) : undefined;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * One point standing for several: means of the moving values, the last of the fixed ones (totals,
 * names). A GPU or provider counts over the samples it appears in, so one that started halfway
 * through a bucket is not averaged down with zeros.
 */
export function averageSamples(samples: readonly ResourceSample[]): ResourceSample {
  if (samples.length === 0) throw new RangeError('cannot average zero samples');
  const last = samples.at(-1)!;
  if (samples.length === 1) return last;
  const cores = last.cpu.perCore.length;
  return {
    at: last.at,
    cpu: {
      percent: mean(samples.map((s) => s.cpu.percent)),
      perCore: Array.from({ length: cores }, (_, i) => meanOf(samples, (s) => s.cpu.perCore[i]) ?? 0),
    },
    memory: {
      usedBytes: mean(samples.map((s) => s.memory.usedBytes)),
      totalBytes: last.memory.totalBytes,
      swapUsedBytes: mean(samples.map((s) => s.memory.swapUsedBytes)),
      swapTotalBytes: last.memory.swapTotalBytes,
    },
    disk: last.disk,
    gpus: groupBy(
      samples,
      (s) => s.gpus,
      (g) => String(g.index),
    ).map(averageGpu),
    providers: groupBy(
      samples,
      (s) => s.providers,
      (p) => p.id,
    ).map(averageProvider),
  };
}

function groupBy<T>(samples: readonly ResourceSample[], items: (s: ResourceSample) => T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const sample of samples) for (const item of items(sample)) groups.get(key(item))?.push(item) ?? groups.set(key(item), [item]);
  return [...groups.values()];
}

function averageGpu(readings: GpuSample[]): GpuSample {
  const last = readings.at(-1)!;
  return defined({
    index: last.index,
    name: last.name,
    vendor: last.vendor,
    utilPercent: meanOf(readings, (g) => g.utilPercent),
    vramUsedBytes: meanOf(readings, (g) => g.vramUsedBytes),
    vramTotalBytes: last.vramTotalBytes,
    temperatureC: meanOf(readings, (g) => g.temperatureC),
    powerW: meanOf(readings, (g) => g.powerW),
  });
}

function averageProvider(usages: ProviderUsage[]): ProviderUsage {
  const last = usages.at(-1)!;
  return defined({
    id: last.id,
    cpuPercent: mean(usages.map((u) => u.cpuPercent)),
    rssBytes: mean(usages.map((u) => u.rssBytes)),
    vramBytes: meanOf(usages, (u) => u.vramBytes),
    processes: last.processes,
  });
}
