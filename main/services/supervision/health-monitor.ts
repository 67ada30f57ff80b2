import type { HealthSample } from '../../../shared/provider';
import type { HealthCheck } from '../../../shared/recipe';
import type { Settings } from '../../../shared/settings';
import { Ring } from '../os/ring';
import { probeHealth } from './health-probe';

const HEALTH_HISTORY = 120;
const STARTUP_POLL_MS = 250;

export interface HealthMonitorDeps {
  settings: () => Pick<Settings, 'healthIntervalSec' | 'unhealthyAfterFailures'>;
  /** Each recorded sample of a provider's own health check, as it comes. */
  onSample(id: string, sample: HealthSample): void;
  /** The key a provider wants (vLLM with --api-key guards more than its model list). */
  apiKey?(id: string): string | undefined;
}

/** One running provider watched after it became healthy. */
export interface HealthWatch {
  id: string;
  baseUrl: string;
  check: HealthCheck;
  /** True once the run this watch belongs to was stopped, restarted or failed: its probes count no more. */
  isStale(): boolean;
  /** A probe passed. */
  onPass(): Promise<void> | void;
  /** `unhealthyAfterFailures` probes in a row failed while the process is alive; watching ends. */
  onHung(failures: number, last: HealthSample): Promise<void> | void;
}

interface Watching {
  watch: HealthWatch;
  consecutiveFailures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Probes providers' health endpoints: until healthy while they start, then on the settings'
 * interval while they run, counting failures in a row. Keeps each provider's recent samples.
 */
export class HealthMonitor {
  private readonly samples = new Map<string, Ring<HealthSample>>();
  private readonly watching = new Map<string, Watching>();

  constructor(private readonly deps: HealthMonitorDeps) {}

  history(id: string): HealthSample[] {
    return this.samples.get(id)?.toArray() ?? [];
  }

  last(id: string): HealthSample | undefined {
    return this.samples.get(id)?.last();
  }

  /**
   * Polls a health check until it passes; false on the deadline or once the run is stale. Samples
   * of the provider's own check are recorded (`record`); a ready check of an earlier process is not.
   */
  async waitHealthy(
    id: string,
    baseUrl: string,
    check: HealthCheck,
    /** `deadline` is a performance.now() time. */
    options: { deadline: number; isStale(): boolean; record: boolean },
  ): Promise<boolean> {
    while (!options.isStale()) {
      const sample = await probeHealth(baseUrl, check, undefined, this.deps.apiKey?.(id));
      if (options.record) this.record(id, sample);
      if (sample.ok) return true;
      if (performance.now() >= options.deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, STARTUP_POLL_MS));
    }
    return false;
  }

  /** Watches a running provider from now on, replacing any earlier watch of it. */
  watch(watch: HealthWatch): void {
    this.unwatch(watch.id);
    const watching: Watching = { watch, consecutiveFailures: 0 };
    this.watching.set(watch.id, watching);
    this.schedule(watching);
  }

  unwatch(id: string): void {
    clearTimeout(this.watching.get(id)?.timer);
    this.watching.delete(id);
  }

  private schedule(watching: Watching): void {
    if (this.watching.get(watching.watch.id) !== watching || watching.watch.isStale()) return;
    const intervalMs = this.deps.settings().healthIntervalSec * 1000;
    watching.timer = setTimeout(() => void this.check(watching), intervalMs);
  }

  private async check(watching: Watching): Promise<void> {
    const { watch } = watching;
    if (watch.isStale()) return;
    const sample = await probeHealth(watch.baseUrl, watch.check, undefined, this.deps.apiKey?.(watch.id));
    if (watch.isStale()) return;
    this.record(watch.id, sample);
    if (sample.ok) {
      watching.consecutiveFailures = 0;
      await watch.onPass();
      this.schedule(watching);
      return;
    }
    watching.consecutiveFailures++;
    if (watching.consecutiveFailures < this.deps.settings().unhealthyAfterFailures) {
      this.schedule(watching);
      return;
    }
    if (this.watching.get(watch.id) === watching) this.watching.delete(watch.id);
    await watch.onHung(watching.consecutiveFailures, sample);
  }

  private record(id: string, sample: HealthSample): void {
    const samples = this.samples.get(id) ?? new Ring<HealthSample>(HEALTH_HISTORY);
    samples.push(sample);
    this.samples.set(id, samples);
    this.deps.onSample(id, sample);
  }
}
