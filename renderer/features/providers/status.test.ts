import { describe, expect, it } from 'vitest';
import type { ProviderStatus, ProviderSummary } from '../../../shared/provider';
import { matchesFilter, reasonWorthShowing, startableInBulk, tileActions } from './status';

function provider(status: ProviderStatus, runnable = true): ProviderSummary {
  return {
    id: 'p',
    name: 'P',
    description: '',
    homepage: 'https://example.com',
    api: 'openai',
    defaultPort: 8080,
    origin: 'builtin',
    installStrategy: 'git',
    compatibility: { runnable, reasons: runnable ? [] : ['needs macOS'], warnings: [] },
    state: { id: 'p', status, reason: '', restarts: 0, updatedAt: '2025-01-01T00:00:00Z' },
  };
}

describe('startableInBulk', () => {
  it('leaves out a provider that waits for its model, so Start all is not offered for it alone', () => {
    const waiting: ProviderSummary = {
      ...provider('installed'),
      modelNeed: { kind: 'none-chosen', input: 'gguf', message: 'It needs a model.', hint: 'Choose one.' },
    };
    expect(tileActions(waiting).start).toBe(true);
    expect(startableInBulk(waiting)).toBe(false);
    expect(startableInBulk(provider('installed'))).toBe(true);
    expect(startableInBulk(provider('running'))).toBe(false);
  });
});

describe('tileActions', () => {
  it.each<[ProviderStatus, string]>([
    ['installed', 'start'],
    ['stopped', 'start'],
    ['failed', 'start'],
    ['starting', 'stop restart'],
    ['running', 'stop restart'],
    ['unhealthy', 'stop restart'],
    ['stopping', ''],
    ['not-installed', ''],
    ['installing', ''],
    ['external', ''],
  ])('%s offers [%s]', (status, expected) => {
    const actions = tileActions(provider(status));
    const offered = (['start', 'stop', 'restart'] as const).filter((a) => actions[a]).join(' ');
    expect(offered).toBe(expected);
    expect(actions.incompatible).toBe(false);
  });

  it('shows the reasons instead of Start where the machine cannot run it', () => {
    expect(tileActions(provider('installed', false))).toMatchObject({ start: false, incompatible: true });
    expect(tileActions(provider('not-installed', false))).toMatchObject({ incompatible: true });
    // Something already running is still stoppable.
    expect(tileActions(provider('running', false))).toMatchObject({ stop: true, incompatible: false });
  });
});

describe('matchesFilter', () => {
  it('sorts statuses into the filters', () => {
    const pick = (filter: Parameters<typeof matchesFilter>[1]) =>
      (['running', 'stopped', 'not-installed', 'external', 'failed'] as const).filter((s) => matchesFilter(provider(s), filter));
    expect(pick('all')).toHaveLength(5);
    expect(pick('running')).toEqual(['running', 'external']);
    expect(pick('installed')).toEqual(['running', 'stopped', 'external', 'failed']);
    expect(pick('not-installed')).toEqual(['not-installed']);
  });
});

describe('reasonWorthShowing', () => {
  const base = { id: 'p', restarts: 0, updatedAt: '2025-01-01T00:00:00Z' } as const;
  it('hides a reason the badge or the error already says', () => {
    expect(reasonWorthShowing({ ...base, status: 'not-installed', reason: 'not installed' })).toBeUndefined();
    expect(
      reasonWorthShowing({ ...base, status: 'failed', reason: 'exited with code 1', lastError: { message: 'exited with code 1' } }),
    ).toBeUndefined();
    expect(reasonWorthShowing({ ...base, status: 'stopped', reason: 'stopped by user' })).toBe('stopped by user');
  });
});
