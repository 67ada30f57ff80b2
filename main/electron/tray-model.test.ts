import { describe, expect, it } from 'vitest';
import type { ProviderState, ProviderStatus, ProviderSummary } from '../../shared/provider';
import { overallState, trayMenuModel, trayTooltip } from './tray-model';

function state(status: ProviderStatus, extra: Partial<ProviderState> = {}): ProviderState {
  return { id: 'x', status, reason: '', restarts: 0, updatedAt: '2025-01-01T00:00:00Z', ...extra };
}

function summary(id: string, status: ProviderStatus, options: { runnable?: boolean; port?: number } = {}): ProviderSummary {
  return {
    id,
    name: id.toUpperCase(),
    description: '',
    homepage: 'https://example.com',
    api: 'openai',
    defaultPort: 8000,
    origin: 'builtin',
    installStrategy: 'git',
    compatibility: { runnable: options.runnable ?? true, reasons: [], warnings: [] },
    state: state(status, { id, port: options.port }),
  };
}

describe('overallState', () => {
  it('is idle when nothing runs', () => {
    expect(overallState([])).toBe('idle');
    expect(overallState([state('stopped'), state('installed'), state('not-installed'), state('stopping')])).toBe('idle');
  });

  it('is ok when something runs and nothing is wrong', () => {
    expect(overallState([state('running'), state('stopped')])).toBe('ok');
    expect(overallState([state('starting')])).toBe('ok');
    expect(overallState([state('external')])).toBe('ok');
  });

  it('warns when any provider is unhealthy or failed, even beside healthy ones', () => {
    expect(overallState([state('running'), state('unhealthy')])).toBe('warn');
    expect(overallState([state('failed'), state('stopped')])).toBe('warn');
  });
});

describe('trayTooltip', () => {
  it('counts what matters', () => {
    expect(trayTooltip([])).toBe('Local LLM Manager — nothing running');
    expect(trayTooltip([state('running'), state('external'), state('failed'), state('stopped')])).toBe(
      'Local LLM Manager — 2 running, 1 failed',
    );
  });
});

describe('trayMenuModel', () => {
  it('lists installed, runnable providers with their status and what can be done', () => {
    const model = trayMenuModel([
      summary('ollama', 'running', { port: 11434 }),
      summary('vllm', 'stopped', { port: 8000 }),
      summary('mlx', 'installed', { runnable: false }),
      summary('tgi', 'not-installed'),
      summary('kobold', 'stopping'),
    ]);
    expect(model.providers).toEqual([
      { id: 'ollama', label: 'OLLAMA — running :11434', canStart: false, canStop: true },
      { id: 'vllm', label: 'VLLM — stopped', canStart: true, canStop: false },
      { id: 'kobold', label: 'KOBOLD — stopping', canStart: false, canStop: false },
    ]);
    expect(model).toMatchObject({ overall: 'ok', canStartAll: true, canStopAll: true });
  });

  it('disables Start all and Stop all when they would do nothing', () => {
    const model = trayMenuModel([summary('a', 'stopping'), summary('b', 'not-installed')]);
    expect(model).toMatchObject({ overall: 'idle', canStartAll: false, canStopAll: false });
  });

  it('offers Start again for a failed provider', () => {
    const model = trayMenuModel([summary('a', 'failed')]);
    expect(model.overall).toBe('warn');
    expect(model.providers[0]).toMatchObject({ canStart: true, canStop: false });
  });

  it('counts models the gateway loaded on demand as running, and offers Stop all for them', () => {
    const model = trayMenuModel([summary('a', 'stopped')], { loadedOnDemand: ['tiny.gguf'] });
    expect(model).toMatchObject({ overall: 'ok', canStopAll: true, loadedOnDemand: ['tiny.gguf'] });
    expect(model.tooltip).toBe('Local LLM Manager — 1 model loaded');
    expect(trayMenuModel([summary('a', 'failed')], { loadedOnDemand: ['tiny.gguf'] }).overall).toBe('warn');
    expect(trayMenuModel([summary('a', 'stopped')])).toMatchObject({ overall: 'idle', canStopAll: false, loadedOnDemand: [] });
  });

  it('offers the gateway URL only while the gateway listens', () => {
    expect(trayMenuModel([summary('a', 'running')], { gatewayUrl: 'http://127.0.0.1:8400/v1' }).gatewayUrl).toBe(
      'http://127.0.0.1:8400/v1',
    );
    expect(trayMenuModel([summary('a', 'running')])).not.toHaveProperty('gatewayUrl');
  });
});
