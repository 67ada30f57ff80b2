import { EventEmitter } from 'node:events';
import type { ProviderState, ProviderStatus } from '../../../shared/provider';
import type { Alert, AlertKind, ResourceSample } from '../../../shared/resources';
import type { Settings } from '../../../shared/settings';

export type AlertSettings = Pick<Settings, 'alertRamPercent' | 'alertVramPercent' | 'alertDiskFreeGiB' | 'mutedAlerts'>;

const GIB = 1024 ** 3;
/** A raised threshold alert re-arms only once the value is this far back on the safe side. */
const PERCENT_MARGIN = 5;
const DISK_MARGIN = 1.1;
const BAD: readonly ProviderStatus[] = ['unhealthy', 'failed'];

/**
 * Turns samples and provider transitions into alerts: once when a value crosses its threshold
 * (not on every sample while it stays there), again only after it went back below. A muted kind
 * is still tracked, so unmuting does not fire for a condition that was already known.
 *
 * An alert stays in effect (`active`) while its condition holds: a page opened after the disk ran
 * low, or after a provider failed, still shows it, and it goes once the condition has cleared.
 */
export class AlertRules extends EventEmitter<{ raised: [Alert]; changed: [] }> {
  private readonly raised = new Set<string>();
  /** The alerts whose condition still holds, by condition (`disk`, `vram-0`, `provider-<id>`, `log-<id>`). */
  private readonly inEffect = new Map<string, Alert>();
  private readonly lastStatus = new Map<string, ProviderStatus>();
  private seq = 0;

  constructor(
    private readonly settings: () => AlertSettings,
    private readonly nameOf: (providerId: string) => string = (id) => id,
  ) {
    super();
  }

  /** The alerts in effect now, oldest first; a kind muted since it was raised is left out. */
  active(): Alert[] {
    const { mutedAlerts } = this.settings();
    return [...this.inEffect.values()].filter((alert) => !mutedAlerts.includes(alert.kind));
  }

  checkProvider(state: ProviderState): void {
    const before = this.lastStatus.get(state.id);
    this.lastStatus.set(state.id, state.status);
    const key = `provider-${state.id}`;
    if (!BAD.includes(state.status)) {
      this.clear(key);
      return;
    }
    if (before === state.status) return;
    const name = this.nameOf(state.id);
    this.raise(
      key,
      'provider',
      state.status === 'failed' ? `${name} failed` : `${name} is unhealthy`,
      state.lastError?.message ?? state.reason,
      state.id,
    );
  }

  checkSample(sample: ResourceSample): void {
    const s = this.settings();
    const { memory, disk } = sample;
    if (memory.totalBytes > 0) {
      const percent = (memory.usedBytes / memory.totalBytes) * 100;
      this.threshold('ram', 'ram', percent >= s.alertRamPercent, percent < s.alertRamPercent - PERCENT_MARGIN, () => [
        `Memory is ${Math.round(percent)}% used`,
        `${gib(memory.usedBytes)} of ${gib(memory.totalBytes)} in use (alert at ${s.alertRamPercent}%).`,
      ]);
    }
    for (const gpu of sample.gpus) {
      if (!gpu.vramTotalBytes || gpu.vramUsedBytes === undefined) continue;
      const percent = (gpu.vramUsedBytes / gpu.vramTotalBytes) * 100;
      this.threshold(`vram-${gpu.index}`, 'vram', percent >= s.alertVramPercent, percent < s.alertVramPercent - PERCENT_MARGIN, () => [
        `GPU ${gpu.index} memory is ${Math.round(percent)}% used`,
        `${gpu.name}: ${gib(gpu.vramUsedBytes!)} of ${gib(gpu.vramTotalBytes!)} VRAM in use (alert at ${s.alertVramPercent}%).`,
      ]);
    }
    if (disk.totalBytes > 0) {
      const limit = s.alertDiskFreeGiB * GIB;
      this.threshold('disk', 'disk', disk.freeBytes < limit, disk.freeBytes > limit * DISK_MARGIN, () => [
        `Disk space is low: ${gib(disk.freeBytes)} free`,
        `${disk.path} has less than ${s.alertDiskFreeGiB} GiB free; models and logs may fail to write.`,
      ]);
    }
  }

  /**
   * A provider's log could not be written to disk (full, removed, read-only) and lives in memory
   * only: a `disk` alert once, again only after it was written again (`problem` undefined).
   */
  checkLogFile(event: { id: string; file: string; problem?: { message: string } }): void {
    const key = `log-${event.id}`;
    if (!event.problem) {
      this.raised.delete(key);
      this.clear(key);
      return;
    }
    if (this.raised.has(key)) return;
    this.raised.add(key);
    const message = `Could not write ${event.file}: ${event.problem.message}. The log is kept in memory only until the disk takes it again (tried now and then); free some space or fix the folder.`;
    this.raise(key, 'disk', `${this.nameOf(event.id)}'s log is not being saved`, message, event.id);
  }

  /**
   * Something happened to the base directory itself under the running host (deleted and made
   * again; its lock taken by another host): a `disk` alert, in effect until the host restarts,
   * since what it says (what was in the folder is gone) holds for the rest of this run.
   */
  baseDirChanged(title: string, message: string): void {
    this.raise('base-dir', 'disk', title, message);
  }

  private threshold(key: string, kind: AlertKind, over: boolean, clear: boolean, text: () => [string, string]): void {
    if (over && !this.raised.has(key)) {
      this.raised.add(key);
      const [title, message] = text();
      this.raise(key, kind, title, message);
    } else if (clear) {
      this.raised.delete(key);
      this.clear(key);
    }
  }

  private raise(key: string, kind: AlertKind, title: string, message: string, providerId?: string): void {
    if (this.settings().mutedAlerts.includes(kind)) return;
    const at = Date.now();
    const alert: Alert = { id: `${at}-${++this.seq}`, kind, at, title, message, ...(providerId ? { providerId } : {}) };
    // A provider that goes from unhealthy to failed has one alert in effect, the newer.
    this.inEffect.delete(key);
    this.inEffect.set(key, alert);
    this.emit('raised', alert);
    this.emit('changed');
  }

  private clear(key: string): void {
    if (this.inEffect.delete(key)) this.emit('changed');
  }
}

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GiB`;
}
