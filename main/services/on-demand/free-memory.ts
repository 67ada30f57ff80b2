import os from 'node:os';
import type { GpuSample } from '../../../shared/resources';

/**
 * Where a model about to load can go: the free VRAM of the GPU with the most of it (llama.cpp puts
 * a model on one GPU unless told to split) and, for the layers that do not fit there, the free RAM
 * (they run on the CPU), as the engine's memory card counts it (memoryFit). GPUs that share system
 * memory (Apple Silicon: no total) count as RAM. Read from the last resource sample, so asking
 * costs nothing on the request path.
 */
export function freeMemoryForModels(gpus: readonly GpuSample[] | undefined, freeRam: number = os.freemem()): number {
  let vram = 0;
  for (const gpu of gpus ?? []) {
    if (gpu.vramTotalBytes === undefined || gpu.vramUsedBytes === undefined) continue;
    vram = Math.max(vram, gpu.vramTotalBytes - gpu.vramUsedBytes);
  }
  return freeRam + vram;
}
