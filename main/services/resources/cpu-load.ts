import os from 'node:os';

export type CpuTimes = os.CpuInfo['times'];

/**
 * CPU use between two readings of `os.cpus()` times: total (0–100, all cores together) and per
 * core. Node reads /proc/stat itself; systeminformation's currentLoad() does the same sums but
 * spawns a shell for steal time on every call, which alone costs more than the rest of a sample.
 */
export function cpuLoad(before: readonly CpuTimes[], after: readonly CpuTimes[]): { percent: number; perCore: number[] } {
  let busyAll = 0;
  let totalAll = 0;
  const perCore = after.map((now, i) => {
    const then = before[i];
    if (!then) return 0;
    const busy = now.user - then.user + (now.nice - then.nice) + (now.sys - then.sys) + (now.irq - then.irq);
    const total = busy + (now.idle - then.idle);
    busyAll += busy;
    totalAll += total;
    return percentOf(busy, total);
  });
  return { percent: percentOf(busyAll, totalAll), perCore };
}

function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.max(0, (part / whole) * 100)) : 0;
}

/** Keeps the previous reading so each call answers "since last time". */
export class CpuMeter {
  private previous = os.cpus().map((cpu) => cpu.times);

  read(): { percent: number; perCore: number[] } {
    const current = os.cpus().map((cpu) => cpu.times);
    const load = cpuLoad(this.previous, current);
    this.previous = current;
    return load;
  }
}
