import { describe, expect, it } from 'vitest';
import type { ProviderState } from '../../../shared/provider';
import type { Alert, ResourceSample } from '../../../shared/resources';
import { AlertRules, type AlertSettings } from './alert-rules';

const GIB = 1024 ** 3;

function sample(memoryPercent: number, vramPercent: number, diskFreeGiB: number): ResourceSample {
  return {
    at: Date.now(),
    cpu: { percent: 0, perCore: [] },
    memory: { usedBytes: memoryPercent * GIB, totalBytes: 100 * GIB, swapUsedBytes: 0, swapTotalBytes: 0 },
    disk: { path: '/base', freeBytes: diskFreeGiB * GIB, totalBytes: 500 * GIB },
    gpus: [{ index: 0, name: 'GPU', vendor: 'nvidia', vramUsedBytes: vramPercent * GIB, vramTotalBytes: 100 * GIB }],
    providers: [],
  };
}

function rules(overrides: Partial<AlertSettings> = {}) {
  const settings: AlertSettings = { alertRamPercent: 90, alertVramPercent: 95, alertDiskFreeGiB: 5, mutedAlerts: [], ...overrides };
  const alerts = new AlertRules(
    () => settings,
    (id) => `Provider ${id}`,
  );
  const raised: Alert[] = [];
  alerts.on('raised', (a) => raised.push(a));
  return { alerts, raised, settings };
}

const state = (status: ProviderState['status'], reason = 'because'): ProviderState => ({
  id: 'ollama',
  status,
  reason,
  restarts: 0,
  updatedAt: new Date().toISOString(),
});

describe('AlertRules', () => {
  it('raises once per crossing, and again only after the value came back down', () => {
    const { alerts, raised } = rules();
    alerts.checkSample(sample(50, 10, 100));
    expect(raised).toEqual([]);
    alerts.checkSample(sample(92, 10, 100));
    alerts.checkSample(sample(95, 10, 100));
    expect(raised.map((a) => a.kind)).toEqual(['ram']);
    expect(raised[0]!.title).toBe('Memory is 92% used');
    alerts.checkSample(sample(88, 10, 100)); // inside the margin: still counts as the same episode
    alerts.checkSample(sample(91, 10, 100));
    expect(raised).toHaveLength(1);
    alerts.checkSample(sample(60, 10, 100));
    alerts.checkSample(sample(91, 10, 100));
    expect(raised.map((a) => a.kind)).toEqual(['ram', 'ram']);
  });

  it('raises for VRAM and for low disk in the base directory', () => {
    const { alerts, raised } = rules();
    alerts.checkSample(sample(10, 97, 3));
    expect(raised.map((a) => a.kind).sort()).toEqual(['disk', 'vram']);
    expect(raised.find((a) => a.kind === 'disk')!.message).toContain('/base');
  });

  it('raises when a provider turns unhealthy or failed, not on repeats or good states', () => {
    const { alerts, raised } = rules();
    alerts.checkProvider(state('running'));
    alerts.checkProvider(state('unhealthy', 'health check failed 3 times'));
    alerts.checkProvider(state('unhealthy'));
    alerts.checkProvider(state('failed', 'gave up after 5 restarts'));
    alerts.checkProvider(state('stopped'));
    expect(raised.map((a) => a.title)).toEqual(['Provider ollama is unhealthy', 'Provider ollama failed']);
    expect(raised[0]).toMatchObject({ kind: 'provider', providerId: 'ollama', message: 'health check failed 3 times' });
  });

  it("raises once when a provider's log cannot be written, again only after it was written again", () => {
    const { alerts, raised } = rules();
    const problem = { message: 'ENOSPC: no space left on device, write' };
    alerts.checkLogFile({ id: 'ollama', file: '/base/logs/ollama.log', problem });
    alerts.checkLogFile({ id: 'ollama', file: '/base/logs/ollama.log', problem });
    expect(raised).toEqual([
      expect.objectContaining({
        kind: 'disk',
        providerId: 'ollama',
        title: "Provider ollama's log is not being saved",
        message: expect.stringMatching(
          /^Could not write \/base\/logs\/ollama\.log: ENOSPC: no space left on device, write\. The log is kept in memory only/,
        ),
      }),
    ]);
    alerts.checkLogFile({ id: 'ollama', file: '/base/logs/ollama.log' });
    alerts.checkLogFile({ id: 'ollama', file: '/base/logs/ollama.log', problem });
    expect(raised).toHaveLength(2);
  });

  it('stays quiet for a muted kind, and unmuting does not replay a known condition', () => {
    const { alerts, raised, settings } = rules({ mutedAlerts: ['ram', 'provider'] });
    alerts.checkSample(sample(99, 10, 100));
    alerts.checkProvider(state('failed'));
    expect(raised).toEqual([]);
    settings.mutedAlerts = [];
    alerts.checkSample(sample(99, 10, 100));
    expect(raised).toEqual([]);
  });

  it('keeps each alert in effect while its condition holds, and drops it once the condition has cleared', () => {
    const { alerts, settings } = rules();
    let changes = 0;
    alerts.on('changed', () => changes++);
    alerts.checkSample(sample(95, 97, 3));
    expect(alerts.active().map((a) => a.kind)).toEqual(['ram', 'vram', 'disk']);
    alerts.checkSample(sample(95, 97, 3)); // the same conditions: nothing new
    expect(changes).toBe(3);
    alerts.checkSample(sample(88, 97, 5.2)); // inside the margins: still in effect
    expect(alerts.active()).toHaveLength(3);
    alerts.checkSample(sample(50, 97, 100));
    expect(alerts.active().map((a) => a.kind)).toEqual(['vram']);
    expect(changes).toBe(5);

    // A provider has one alert in effect, the latest, until it is good again.
    alerts.checkProvider(state('unhealthy'));
    alerts.checkProvider(state('failed', 'gave up after 5 restarts'));
    expect(alerts.active().filter((a) => a.kind === 'provider')).toEqual([
      expect.objectContaining({ title: 'Provider ollama failed', message: 'gave up after 5 restarts' }),
    ]);
    alerts.checkProvider(state('running'));
    expect(alerts.active().map((a) => a.kind)).toEqual(['vram']);

    // A log that could not be written is in effect until it is written again.
    alerts.checkLogFile({ id: 'ollama', file: '/base/logs/ollama.log', problem: { message: 'ENOSPC' } });
    expect(alerts.active().map((a) => a.kind)).toEqual(['vram', 'disk']);
    alerts.checkLogFile({ id: 'ollama', file: '/base/logs/ollama.log' });
    expect(alerts.active().map((a) => a.kind)).toEqual(['vram']);

    // Muting a kind hides what is in effect of it; a muted kind raised meanwhile is not kept.
    settings.mutedAlerts = ['vram', 'disk'];
    expect(alerts.active()).toEqual([]);
    alerts.checkSample(sample(10, 97, 3));
    settings.mutedAlerts = [];
    expect(alerts.active().map((a) => a.kind)).toEqual(['vram']);
  });
});
