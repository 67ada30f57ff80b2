import type { GpuSample } from '../../../shared/resources';
import { LatestReadings, staleAfterMs, type GpuSource } from './live-source';
import { nvidiaComputeAppsArgs, nvidiaGpuArgs, parseNvidiaComputeAppLine, parseNvidiaGpuLine } from './nvidia';
import { ToolStream } from './tool-stream';

export interface NvidiaSourceOptions {
  /** The nvidia-smi executable, with any leading arguments (tests pass a stand-in script). */
  command: string[];
  intervalMs: number;
  minBackoffMs?: number;
  /** The per-process stream stops after this long without a processMemory() call. */
  processIdleMs?: number;
}

/**
 * NVIDIA GPUs through one long-lived `nvidia-smi --query-gpu … -lms <interval>`, parsed as it
 * streams, and per-process GPU memory through a second one (`--query-compute-apps … -lms`), run
 * only while someone asks for it (while providers run). Spawning nvidia-smi per sample would cost
 * an NVML start-up each time; a looping one pays it once.
 */
export class NvidiaSource implements GpuSource {
  readonly name = 'nvidia-smi';
  private intervalMs: number;
  private readonly latest: LatestReadings;
  private readonly gpuStream: ToolStream;
  private readonly appsStream: ToolStream;
  /** "pid/gpu" → bytes and when last printed: a process that ends simply stops being printed. */
  private readonly apps = new Map<string, { pid: number; bytes: number; at: number }>();
  private appsIdle?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: NvidiaSourceOptions) {
    this.intervalMs = options.intervalMs;
    this.latest = new LatestReadings(staleAfterMs(options.intervalMs));
    this.gpuStream = new ToolStream({
      argv: () => [...options.command, ...nvidiaGpuArgs(this.intervalMs)],
      onLine: (line) => {
        const reading = parseNvidiaGpuLine(line);
        if (!reading) return;
        const { uuid: _uuid, ...sample } = reading; // identifies the card; nothing downstream needs it
        this.latest.set(sample);
      },
      minBackoffMs: options.minBackoffMs,
    });
    this.appsStream = new ToolStream({
      argv: () => [...options.command, ...nvidiaComputeAppsArgs(this.intervalMs)],
      onLine: (line) => {
        const app = parseNvidiaComputeAppLine(line);
        if (app) this.apps.set(`${app.pid}/${app.gpuUuid}`, { pid: app.pid, bytes: app.usedBytes, at: performance.now() });
      },
      minBackoffMs: options.minBackoffMs,
    });
    this.gpuStream.start();
  }

  /** The streaming processes, for tests and diagnostics. */
  get streamState(): { status: ToolStream['status']; pid?: number; restarts: number; appsPid?: number } {
    return { status: this.gpuStream.status, pid: this.gpuStream.pid, restarts: this.gpuStream.restarts, appsPid: this.appsStream.pid };
  }

  readings(): GpuSample[] {
    return this.latest.current();
  }

  /** Bytes per PID, summed over GPUs, from the per-process stream (started on first call). */
  async processMemory(): Promise<ReadonlyMap<number, number>> {
    if (this.gpuStream.status === 'unavailable') return new Map();
    this.appsStream.start();
    clearTimeout(this.appsIdle);
    this.appsIdle = setTimeout(() => this.appsStream.pause(), this.options.processIdleMs ?? 30_000);
    this.appsIdle.unref();
    const now = performance.now();
    const maxAge = staleAfterMs(this.intervalMs);
    const byPid = new Map<number, number>();
    for (const [key, app] of this.apps) {
      if (now - app.at > maxAge) this.apps.delete(key);
      else byPid.set(app.pid, (byPid.get(app.pid) ?? 0) + app.bytes);
    }
    return byPid;
  }

  setIntervalMs(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    this.latest.maxAgeMs = staleAfterMs(intervalMs);
    this.gpuStream.restart();
    if (this.appsStream.pid !== undefined) this.appsStream.restart();
  }

  close(): void {
    clearTimeout(this.appsIdle);
    this.gpuStream.close();
    this.appsStream.close();
  }
}
