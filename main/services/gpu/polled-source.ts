import { execa } from 'execa';
import type { GpuSample } from '../../../shared/resources';
import { LatestReadings, staleAfterMs, type GpuSource } from './live-source';

export interface PolledSourceOptions {
  name: string;
  /** The tool with its arguments, run once per poll. */
  argv: string[];
  parse: (stdout: string) => GpuSample[];
  /** Per-process GPU memory, where the tool can list it. */
  pids?: { argv: string[]; parse: (stdout: string) => Map<number, number> };
  intervalMs: number;
  /** The tool's start-up cost decides how often it may run, whatever the sampling interval. */
  minPeriodMs: number;
}

/**
 * GPUs through a tool that cannot stream (rocm-smi has no loop mode; ioreg prints one snapshot):
 * run on a timer no faster than `minPeriodMs`, one run at a time; the last answer is served.
 */
export class PolledSource implements GpuSource {
  readonly name: string;
  private intervalMs: number;
  private readonly latest: LatestReadings;
  private timer?: ReturnType<typeof setTimeout>;
  private closed = false;
  private processes?: { at: number; value: Promise<ReadonlyMap<number, number>> };

  constructor(private readonly options: PolledSourceOptions) {
    this.name = options.name;
    this.intervalMs = options.intervalMs;
    this.latest = new LatestReadings(staleAfterMs(this.periodMs));
    void this.poll();
  }

  private get periodMs(): number {
    return Math.max(this.intervalMs, this.options.minPeriodMs);
  }

  readings(): GpuSample[] {
    return this.latest.current();
  }

  processMemory(): Promise<ReadonlyMap<number, number>> {
    const pids = this.options.pids;
    if (!pids) return Promise.resolve(new Map());
    if (!this.processes || performance.now() - this.processes.at >= this.periodMs) {
      const [command, ...args] = pids.argv;
      const value = execa(command!, args, { reject: false, timeout: 10_000 }).then((r) =>
        r.exitCode === 0 ? pids.parse(r.stdout) : new Map<number, number>(),
      );
      this.processes = { at: performance.now(), value };
    }
    return this.processes.value;
  }

  setIntervalMs(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.latest.maxAgeMs = staleAfterMs(this.periodMs);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    const [command, ...args] = this.options.argv;
    const result = await execa(command!, args, { reject: false, timeout: 10_000 });
    if (this.closed) return;
    if (result.exitCode === 0) this.latest.replaceAll(this.options.parse(result.stdout));
    this.timer = setTimeout(() => void this.poll(), this.periodMs);
    this.timer.unref();
  }
}
