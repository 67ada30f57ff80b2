import { describe, expect, it } from 'vitest';
import type { HealthSample, ProviderDetail, ProviderState, ProviderSummary } from '../../shared/provider';
import { HEALTH_HISTORY_CAP, patchDetailState, patchListState, type ProviderList } from './provider-cache';

function state(id: string, status: ProviderState['status'], updatedAt: string, extra: Partial<ProviderState> = {}): ProviderState {
  return { id, status, reason: 'test', restarts: 0, updatedAt, ...extra };
}

function summary(id: string, s: ProviderState): ProviderSummary {
  return {
    id,
    name: id,
    description: '',
    homepage: 'https://example.com',
    api: 'openai',
    defaultPort: 8080,
    origin: 'builtin',
    installStrategy: 'none',
    compatibility: { runnable: true, reasons: [], warnings: [] },
    state: s,
  };
}

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:00:01.000Z';

describe('patchListState', () => {
  const list: ProviderList = {
    providers: [summary('a', state('a', 'stopped', T0)), summary('b', state('b', 'stopped', T0))],
    problems: [],
  };

  it('replaces only the matching provider and keeps the others by reference', () => {
    const next = patchListState(list, state('a', 'running', T1, { port: 9000 }))!;
    expect(next.providers[0]!.state).toMatchObject({ status: 'running', port: 9000 });
    expect(next.providers[1]).toBe(list.providers[1]);
    expect(next.problems).toBe(list.problems);
  });

  it('returns the same object for an unknown provider or an older state', () => {
    expect(patchListState(list, state('zzz', 'running', T1))).toBe(list);
    const later = patchListState(list, state('a', 'running', T1))!;
    expect(patchListState(later, state('a', 'starting', T0))).toBe(later);
  });

  it('leaves an empty cache empty', () => {
    expect(patchListState(undefined, state('a', 'running', T1))).toBeUndefined();
  });
});

describe('patchDetailState', () => {
  const sample = (at: string): HealthSample => ({ at, ok: true, latencyMs: 3, detail: '200' });
  const detail = { ...summary('a', state('a', 'running', T0)), healthHistory: [sample(T0)] } as ProviderDetail;

  it('replaces the state and appends a new health sample once', () => {
    const next = patchDetailState(detail, state('a', 'running', T1, { health: sample(T1) }))!;
    expect(next.healthHistory.map((s) => s.at)).toEqual([T0, T1]);
    const again = patchDetailState(next, state('a', 'unhealthy', T1, { health: sample(T1) }))!;
    expect(again.state.status).toBe('unhealthy');
    expect(again.healthHistory).toBe(next.healthHistory);
  });

  it('caps the history', () => {
    let current: ProviderDetail = { ...detail, healthHistory: [] };
    for (let i = 0; i < HEALTH_HISTORY_CAP + 5; i++) {
      const at = new Date(Date.parse(T1) + i * 1000).toISOString();
      current = patchDetailState(current, state('a', 'running', at, { health: sample(at) }))!;
    }
    expect(current.healthHistory).toHaveLength(HEALTH_HISTORY_CAP);
  });

  it('ignores another provider', () => {
    expect(patchDetailState(detail, state('b', 'running', T1))).toBe(detail);
  });
});
