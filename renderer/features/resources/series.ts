import type { GpuSample, ResourceSample } from '../../../shared/resources';

/** The GPUs that appear anywhere in the samples, by index, with their latest name. */
export function gpusIn(samples: readonly ResourceSample[]): { index: number; name: string; shared: boolean }[] {
  const found = new Map<number, { index: number; name: string; shared: boolean }>();
  for (const sample of samples) {
    for (const gpu of sample.gpus) found.set(gpu.index, { index: gpu.index, name: gpu.name, shared: gpu.vramTotalBytes === undefined });
  }
  return [...found.values()].sort((a, b) => a.index - b.index);
}

/** One GPU's value per sample; null where it was not reported, so the line breaks instead of lying. */
export function gpuValues(
  samples: readonly ResourceSample[],
  index: number,
  pick: (gpu: GpuSample) => number | undefined,
): (number | null)[] {
  return samples.map((s) => {
    const gpu = s.gpus.find((g) => g.index === index);
    return gpu ? (pick(gpu) ?? null) : null;
  });
}

export function vramPercent(gpu: GpuSample): number | undefined {
  return gpu.vramTotalBytes && gpu.vramUsedBytes !== undefined ? (gpu.vramUsedBytes / gpu.vramTotalBytes) * 100 : undefined;
}

/** Per-core values as separate lines (core count from the newest sample). */
export function coreValues(samples: readonly ResourceSample[]): (number | null)[][] {
  const cores = samples.at(-1)?.cpu.perCore.length ?? 0;
  return Array.from({ length: cores }, (_, i) => samples.map((s) => s.cpu.perCore[i] ?? null));
}
