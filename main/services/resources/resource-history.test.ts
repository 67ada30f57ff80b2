import { describe, expect, it } from 'vitest';
import type { ResourceSample } from '../../../shared/resources';
import { ResourceHistory } from './resource-history';
import { averageSamples } from './sample-average';

function sample(at: number, cpu: number, extra: Partial<ResourceSample> = {}): ResourceSample {
  return {
    at,
    cpu: { percent: cpu, perCore: [cpu, cpu] },
    memory: { usedBytes: cpu * 10, totalBytes: 1000, swapUsedBytes: 0, swapTotalBytes: 0 },
    disk: { path: '/x', freeBytes: 5, totalBytes: 10 },
    gpus: [],
    providers: [],
    ...extra,
  };
}

describe('averageSamples', () => {
  it('averages moving values and counts a provider only where it was present', () => {
    const a = sample(1000, 10, { providers: [{ id: 'p', cpuPercent: 50, rssBytes: 100, processes: 2 }] });
    const b = sample(2000, 30);
    const c = sample(3000, 50, { providers: [{ id: 'p', cpuPercent: 150, rssBytes: 300, processes: 3 }] });
    const mean = averageSamples([a, b, c]);
    expect(mean.at).toBe(3000);
    expect(mean.cpu.percent).toBe(30);
    expect(mean.memory.usedBytes).toBe(300);
    expect(mean.providers).toEqual([{ id: 'p', cpuPercent: 100, rssBytes: 200, processes: 3 }]);
  });
});

describe('ResourceHistory', () => {
  const start = 1_700_000_000_000;

  it('holds one minute at full rate and an hour in buckets, and never grows past that', () => {
    const history = new ResourceHistory(1000, 10_000);
    for (let s = 0; s < 2 * 3600; s++) history.add(sample(start + s * 1000, s % 100));
    const minute = history.range('1m');
    expect(minute).toHaveLength(60);
    expect(minute.at(-1)!.at).toBe(start + (2 * 3600 - 1) * 1000);
    const hour = history.range('1h');
    // 59 minutes of 10 s buckets before the full-rate minute, then that minute.
    expect(hour.length).toBeGreaterThanOrEqual(354 + 60);
    expect(hour.length).toBeLessThanOrEqual(361 + 61);
    expect(hour[0]!.at).toBeGreaterThan(hour.at(-1)!.at - 3_600_000);
    for (let i = 1; i < hour.length; i++) expect(hour[i]!.at).toBeGreaterThan(hour[i - 1]!.at);
    const quarter = history.range('15m');
    expect(quarter[0]!.at).toBeGreaterThan(hour.at(-1)!.at - 15 * 60_000);
    expect(quarter.length).toBeLessThan(hour.length);
  });

  it('stores bucket means, not single samples', () => {
    const history = new ResourceHistory(1000, 10_000);
    const base = Math.ceil(start / 10_000) * 10_000;
    // Two buckets of ten samples (cpu 0..9 and 10..19), then 61 s more so both leave the full-rate minute.
    for (let s = 0; s < 20 + 61; s++) history.add(sample(base + s * 1000, s < 20 ? s : 99));
    const older = history.range('15m').filter((x) => x.at < base + 20_000);
    expect(older.map((x) => x.cpu.percent)).toEqual([4.5, 14.5]);
  });

  it('keeps the last minute when the interval changes', () => {
    const history = new ResourceHistory(1000);
    for (let s = 0; s < 30; s++) history.add(sample(start + s * 1000, s));
    history.setIntervalMs(5000);
    expect(history.range('1m')).toHaveLength(13); // capacity for 60 s at 5 s, newest kept
    expect(history.latest()!.cpu.percent).toBe(29);
  });
});
