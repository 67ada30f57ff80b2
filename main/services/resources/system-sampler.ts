import { statfs } from 'node:fs/promises';
import si from 'systeminformation';
import type { ResourceSample } from '../../../shared/resources';
import { CpuMeter } from './cpu-load';

export type SystemReading = Pick<ResourceSample, 'cpu' | 'memory' | 'disk'>;

/** CPU, memory and swap (systeminformation), and free space where the base directory lives. */
export class SystemSampler {
  private readonly cpu = new CpuMeter();

  constructor(private readonly baseDir: string) {}

  async sample(): Promise<SystemReading> {
    const cpu = this.cpu.read();
    const [mem, disk] = await Promise.all([si.mem(), diskOf(this.baseDir)]);
    return {
      cpu,
      memory: {
        // "available" counts reclaimable cache as free, as the OS does when it hands out memory.
        usedBytes: mem.total - mem.available,
        totalBytes: mem.total,
        swapUsedBytes: mem.swapused,
        swapTotalBytes: mem.swaptotal,
      },
      disk,
    };
  }
}

async function diskOf(dir: string): Promise<SystemReading['disk']> {
  try {
    const fs = await statfs(dir);
    return { path: dir, freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
  } catch {
    return { path: dir, freeBytes: 0, totalBytes: 0 };
  }
}
