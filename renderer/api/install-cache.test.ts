import { describe, expect, it } from 'vitest';
import type { InstallRun } from '../../shared/install';
import { upsertRun } from './install-cache';

const run = (providerId: string, status: InstallRun['status'], updatedAt: string, startedAt = '2026-01-01T00:00:00.000Z'): InstallRun => ({
  providerId,
  action: 'install',
  status,
  steps: [],
  current: 0,
  startedAt,
  updatedAt,
  logFile: `/logs/${providerId}-install.log`,
});

describe('upsertRun', () => {
  it('adds a new provider’s run and replaces a provider’s run with a newer one', () => {
    const list = upsertRun([run('a', 'running', '2026-01-01T00:00:01.000Z')], run('b', 'queued', '2026-01-01T00:00:01.000Z'))!;
    expect(list.map((r) => r.providerId)).toEqual(['a', 'b']);
    const next = upsertRun(list, run('a', 'done', '2026-01-01T00:00:05.000Z'))!;
    expect(next[0]!.status).toBe('done');
  });

  it('keeps the newer state when an older one of the same run arrives late', () => {
    const list = [run('a', 'done', '2026-01-01T00:00:05.000Z')];
    expect(upsertRun(list, run('a', 'running', '2026-01-01T00:00:02.000Z'))).toBe(list);
  });

  it('takes a new run of the same provider even if its clock reads earlier', () => {
    const list = [run('a', 'failed', '2026-01-01T00:00:05.000Z')];
    const next = upsertRun(list, run('a', 'queued', '2026-01-01T00:00:04.000Z', '2026-01-01T00:00:04.000Z'))!;
    expect(next[0]!.status).toBe('queued');
  });

  it('leaves an unloaded list unloaded', () => {
    expect(upsertRun(undefined, run('a', 'queued', '2026-01-01T00:00:00.000Z'))).toBeUndefined();
  });
});
