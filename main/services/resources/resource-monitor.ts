import { EventEmitter } from 'node:events';
import type { ResourceHistory as HistoryAnswer, ResourceRange, ResourceSample } from '../../../shared/resources';
import type { GpuSource } from '../gpu/live-source';
import { openGpuSource } from '../gpu/open-live-source';
import { ProviderUsageSampler, type ProviderProcesses } from './provider-usage';
import { ResourceHistory } from './resource-history';
import { SystemSampler } from './system-sampler';

export interface ResourceMonitorOptions {
  baseDir: string;
  /** Read before every sample, so a settings change applies at the next tick. */
  intervalMs: () => number;
  /** The providers that own processes now. */
  providers: () => ProviderProcesses[];
  /** Defaults to the tool this machine has (see openGpuSource). */
  gpu?: (intervalMs: number) => Promise<GpuSource>;
  usage?: ProviderUsageSampler;
}

/**
 * Samples the machine, its GPUs and every provider's process tree on a timer, keeps the history,
 * and emits each sample. Who forwards samples to clients, and when, is the caller's business.
 */
export class ResourceMonitor extends EventEmitter<{ sample: [ResourceSample] }> {
  private readonly system: SystemSampler;
  private readonly usage: ProviderUsageSampler;
  private readonly store: ResourceHistory;
  private intervalMs: number;
  private gpu?: Promise<GpuSource>;
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<ResourceSample>;
  private closed = false;

  constructor(private readonly options: ResourceMonitorOptions) {
    super();
    this.intervalMs = options.intervalMs();
    this.system = new SystemSampler(options.baseDir);
    this.usage = options.usage ?? new ProviderUsageSampler();
    this.store = new ResourceHistory(this.intervalMs);
  }

  start(): void {
    if (this.closed || this.timer) return;
    // Opened early so the first sample has it; a tool that fails to open is the sample's concern.
    void this.openGpu().catch(() => undefined);
    this.schedule(this.intervalMs);
  }

  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  latest(): ResourceSample | undefined {
    return this.store.latest();
  }

  history(range: ResourceRange): HistoryAnswer {
    return { range, intervalMs: this.intervalMs, bucketMs: this.store.bucketMs, samples: this.store.range(range) };
  }

  /** Takes one sample now (one at a time: a call during a sample shares it). */
  sampleNow(): Promise<ResourceSample> {
    this.running ??= this.take().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    (await this.gpu?.catch(() => undefined))?.close();
    this.usage.close();
    this.removeAllListeners();
  }

  private openGpu(): Promise<GpuSource> {
    this.gpu ??= (this.options.gpu ?? openGpuSource)(this.intervalMs);
    return this.gpu;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      const started = performance.now();
      this.sampleNow()
        .catch(() => undefined) // a failed sample leaves a gap in the graph; the next one may work
        .finally(() => this.schedule(Math.max(0, this.intervalMs - (performance.now() - started))));
    }, delayMs);
    this.timer.unref();
  }

  private async take(): Promise<ResourceSample> {
    const interval = this.options.intervalMs();
    const gpu = await this.openGpu();
    if (interval !== this.intervalMs) {
      this.intervalMs = interval;
      this.store.setIntervalMs(interval);
      gpu.setIntervalMs(interval);
    }
    const providers = this.options.providers();
    const active = providers.some((p) => p.pids.length > 0);
    const [system, vram] = await Promise.all([this.system.sample(), active ? gpu.processMemory().catch(() => undefined) : undefined]);
    const usage = await this.usage.sample(providers, vram);
    const sample: ResourceSample = { at: Date.now(), ...system, gpus: gpu.readings(), providers: usage };
    if (this.closed) return sample;
    this.store.add(sample);
    this.emit('sample', sample);
    return sample;
  }
}
