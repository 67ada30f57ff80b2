import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiscoveredServer } from '../shared/discovery';
import type { InstallRun } from '../shared/install';
import type { ProviderState } from '../shared/provider';
import { standInRecipe } from '../test/stand-in';
import { ProviderView, type LiveStates } from './provider-view';
import { pathsFor } from './services/base-dir/paths';

const recipe = standInRecipe({ id: 'local', defaultPort: 18_080 });
const entry = { recipe, origin: 'builtin' as const };

/** What a supervisor reports, set by each test: a live state, and whether we run it now. */
function runtime(): LiveStates & { live?: ProviderState; active: boolean } {
  const fake = {
    live: undefined as ProviderState | undefined,
    active: false,
    isActive: () => fake.active,
    state: () => fake.live,
    healthHistory: () => [],
  };
  return fake;
}

function run(status: InstallRun['status']): InstallRun {
  return {
    providerId: 'local',
    action: 'install',
    status,
    steps: [
      { id: 'clone', title: 'Clone the repository', status: 'done' },
      { id: 'build', title: 'Build', status: status === 'running' ? 'running' : 'pending' },
    ] as InstallRun['steps'],
    current: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:05.000Z',
    logFile: '/base/logs/local-install.log',
  };
}

const server: DiscoveredServer = {
  key: '127.0.0.1:18080',
  host: '127.0.0.1',
  port: 18_080,
  baseUrl: 'http://127.0.0.1:18080',
  kind: 'provider',
  providerId: 'local',
  evidence: ['GET /health'],
  models: [],
  ownership: 'external',
  sources: ['default-port'],
  healthy: true,
  locked: { status: 401 },
};

function setup() {
  const supervisor = runtime();
  const installs = new Map<string, InstallRun>();
  let found: DiscoveredServer | undefined;
  const view = new ProviderView({
    supervisor,
    paths: pathsFor('/base'),
    logs: { fileOf: (id) => `/base/logs/${id}.log` },
    installs: { get: (id) => installs.get(id) },
    external: {
      externalFor: () => (found ? { server: found, others: 2 } : undefined),
      results: () => ({ scannedAt: '2026-01-01T00:01:00.000Z' }),
    },
  });
  return { view, supervisor, installs, find: (server?: DiscoveredServer) => (found = server) };
}

describe('ProviderView: the one state a tile shows', () => {
  it('before any read: not installed, runnable, stamped at the epoch so any fresh read is newer', () => {
    const { view } = setup();
    expect(view.summary(entry)).toMatchObject({
      id: 'local',
      origin: 'builtin',
      compatibility: { runnable: true },
      state: { status: 'not-installed', updatedAt: new Date(0).toISOString() },
    });
  });

  it('an install going on comes first, with its step; an interrupted one is offered to resume', () => {
    const { view, installs } = setup();
    view.setReadiness('local', { installed: false, compatibility: { runnable: true, reasons: [], warnings: [] } });
    installs.set('local', run('queued'));
    expect(view.state(recipe)).toMatchObject({ status: 'installing', reason: 'install queued' });
    installs.set('local', run('running'));
    expect(view.state(recipe)).toMatchObject({
      status: 'installing',
      reason: 'install: step 2 of 2: Build',
      updatedAt: '2026-01-01T00:00:05.000Z',
    });
    installs.set('local', run('interrupted'));
    expect(view.state(recipe)).toMatchObject({ status: 'not-installed', reason: 'install interrupted: resume it or roll it back' });
  });

  it('what we run beats a server found outside; once stopped, the found server shows; a stopped life of an uninstalled provider is history', () => {
    const { view, supervisor, find } = setup();
    view.setReadiness('local', { installed: true, compatibility: { runnable: true, reasons: [], warnings: [] } });
    supervisor.live = {
      id: 'local',
      status: 'running',
      reason: 'healthy',
      restarts: 0,
      port: 18_080,
      updatedAt: '2026-01-01T00:02:00.000Z',
    };
    supervisor.active = true;
    find(server);
    expect(view.state(recipe).status).toBe('running');
    expect(view.externalChanges([recipe])).toEqual([]); // ours: discovery does not change its tile

    supervisor.live = { ...supervisor.live, status: 'stopped', reason: 'stopped' };
    supervisor.active = false;
    expect(view.afterSupervisorState(supervisor.live)).toMatchObject({
      status: 'external',
      reason: 'found running at http://127.0.0.1:18080, not started by this app; locked (401): it needs an API key',
      external: { baseUrl: 'http://127.0.0.1:18080', lockedStatus: 401, others: 2 },
      updatedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(view.externalChanges([recipe])).toEqual([expect.objectContaining({ status: 'external' })]);
    expect(view.externalChanges([recipe])).toEqual([]);

    find(undefined);
    expect(view.externalChanges([recipe])).toEqual([expect.objectContaining({ status: 'stopped' })]);
    view.setReadiness('local', { installed: false, compatibility: { runnable: true, reasons: [], warnings: [] } });
    expect(view.state(recipe)).toMatchObject({ status: 'not-installed', reason: 'not installed' });
  });

  it('details name the provider’s folders, log file and health history', () => {
    const { view } = setup();
    expect(view.detail({ ...entry, file: '/base/config/providers.d/local.yaml' })).toMatchObject({
      recipe,
      file: '/base/config/providers.d/local.yaml',
      configDir: path.join(pathsFor('/base').config, 'local'),
      dataDir: path.join(pathsFor('/base').data, 'local'),
      logFile: '/base/logs/local.log',
      healthHistory: [],
    });
  });
});
