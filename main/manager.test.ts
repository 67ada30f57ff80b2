import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeStandInRecipe } from '../e2e/support/stand-in-recipe';
import type { DiscoveredServer } from '../shared/discovery';
import type { ProviderState } from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import { STAND_IN_LLAMA_SERVER, standInRecipe } from '../test/stand-in';
import { tempDir } from '../test/temp-dir';
import { ProviderManager, type ManagerDeps } from './manager';
import type { ExternalFinder, Readiness } from './provider-view';
import { Catalog } from './services/catalog/catalog';
import { LogService } from './services/logs/logs';
import { pickPort } from './services/os/ports';
import { isRunning } from './services/os/process-tree';
import { ensureLayout, pathsFor } from './services/base-dir/paths';
import { SettingsService } from './services/settings/settings';
import { expandPlaceholders } from './services/supervision/placeholders';
import { Supervisor } from './services/supervision/supervisor';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RUNNABLE: Readiness['compatibility'] = { runnable: true, reasons: [], warnings: [] };

/** A server discovery found on a port, as the tiles of a provider not started by us show it. */
function foundServer(port: number): DiscoveredServer {
  return {
    key: `127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    kind: 'provider',
    providerId: 'local',
    confidence: 'strong',
    evidence: ['GET /health: the stand-in answered'],
    version: '1.2.3',
    models: ['found.gguf'],
    ownership: 'external',
    sources: ['default-port'],
    healthy: true,
  };
}

/**
 * A manager over real services in a fresh base directory: a real Supervisor, catalog, settings,
 * logs and trust file. `local` is a built-in stand-in llama-server; `standin` the same server
 * as a user's custom recipe (config/providers.d), not yet confirmed.
 */
async function setup(
  options: {
    readiness?: Record<string, Partial<Readiness>>;
    external?: Record<string, DiscoveredServer>;
    builtins?: ProviderRecipe[];
  } = {},
) {
  const root = await tempDir();
  const paths = pathsFor(path.join(root, 'base'));
  await ensureLayout(paths);
  const [localPort, customPort] = [
    await pickPort(25_000 + Math.floor(Math.random() * 1000)),
    await pickPort(26_000 + Math.floor(Math.random() * 1000)),
  ];
  await writeStandInRecipe(paths.base, { port: customPort, trusted: false });
  const catalog = await Catalog.load({
    builtins: [standInRecipe({ id: 'local', name: 'Local stand-in', defaultPort: localPort }), ...(options.builtins ?? [])],
    userDir: path.join(paths.config, 'providers.d'),
  });
  const settings = await SettingsService.load({
    file: paths.settingsFile,
    env: {},
    locationFile: path.join(root, 'app', 'location.json'),
    baseDir: { path: paths.base, source: 'env', problems: [] },
  });
  await settings.update({ startupTimeoutSec: 15, healthIntervalSec: 1, stopGraceSec: 2 });
  const logs = new LogService({ dir: paths.logs, flushMs: 20 });
  const supervisor = new Supervisor({ paths, logs, settings: () => settings.values, expand: expandPlaceholders });
  const external = options.external ?? {};
  const finder: ExternalFinder = {
    externalFor: (id) => (external[id] ? { server: external[id], others: 0 } : undefined),
    results: () => ({ scannedAt: '2026-01-01T00:00:00.000Z' }),
  };
  const make = (extra: Pick<ManagerDeps, 'remembersSession'> = {}) =>
    new ProviderManager({
      ...extra,
      catalog,
      supervisor,
      settings,
      logs,
      paths,
      external: finder,
      readiness: async (recipe) => ({ installed: true, compatibility: RUNNABLE, ...options.readiness?.[recipe.id] }),
    });
  const manager = make();
  const states: ProviderState[] = [];
  manager.on('state', (state) => states.push(state));
  cleanups.push(async () => {
    await supervisor.stopAll();
    await logs.close();
    await settings.close();
  });
  await manager.refresh();
  return { manager, make, supervisor, settings, paths, external, states, localPort, customPort };
}

describe('ProviderManager over a real Supervisor and a stand-in provider', () => {
  it('starts a provider with its saved port, shows it running everywhere, and stops its process', async () => {
    const { manager, settings, localPort } = await setup();
    const pinned = await pickPort(localPort + 1);
    await settings.update({ providers: { local: { port: pinned } } });
    expect(manager.state('local')).toMatchObject({ status: 'installed', reason: 'installed, not running' });

    const state = await manager.start('local');
    expect(state).toMatchObject({ id: 'local', status: 'running', port: pinned });
    expect(isRunning(state.pid!)).toBe(true);
    expect(manager.list().find((p) => p.id === 'local')!.state.status).toBe('running');
    expect(manager.ownPorts().get(pinned)).toBe('local');
    const detail = manager.detail('local');
    expect(detail).toMatchObject({
      id: 'local',
      origin: 'builtin',
      configDir: expect.stringContaining('local'),
      logFile: expect.stringContaining('local'),
    });
    expect(detail.healthHistory.some((sample) => sample.ok)).toBe(true);
    // Start pressed again while it runs: the same process, not a second one.
    expect((await manager.start('local')).pid).toBe(state.pid);

    const stopped = await manager.stop('local');
    expect(stopped.status).toBe('stopped');
    expect(isRunning(state.pid!)).toBe(false);
    expect(manager.state('local').status).toBe('stopped');
  });

  it('a provider without its model asks for one instead of starting, and starts once it has it', async () => {
    const needy = standInRecipe({
      id: 'needy',
      name: 'Needy server',
      defaultPort: await pickPort(27_000 + Math.floor(Math.random() * 1000)),
      modelInput: 'gguf',
      start: [
        {
          name: 'server',
          argv: [process.execPath, STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}', '--model', '{model}'],
          env: {},
        },
      ],
    });
    const { manager, settings, paths, supervisor } = await setup({ builtins: [needy] });
    expect(manager.list().find((p) => p.id === 'needy')!.modelNeed).toMatchObject({ kind: 'none-chosen', input: 'gguf' });
    const refused = await manager.start('needy').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { reason: 'model-needed', kind: 'none-chosen' } });
    expect((refused as Error).message).toBe('Needy server needs a model and none is chosen.');
    expect(supervisor.isActive('needy')).toBe(false);
    // Start all starts what can start and leaves it asking.
    expect((await manager.startAll()).map((s) => s.id)).not.toContain('needy');
    expect(manager.state('needy').status).toBe('installed');

    await settings.update({ providers: { needy: { model: 'gone.gguf' } } });
    expect(manager.list().find((p) => p.id === 'needy')!.modelNeed).toMatchObject({ kind: 'file-missing' });
    await writeFile(path.join(paths.models, 'gone.gguf'), 'GGUF');
    expect(manager.list().find((p) => p.id === 'needy')!.modelNeed).toBeUndefined();
    const running = await manager.start('needy');
    expect(running.status).toBe('running');
    expect((await readFile(`/proc/${running.pid}/cmdline`, 'utf8')).split('\0')).toContain(path.join(paths.models, 'gone.gguf'));
    // Running, it has its model: nothing to ask.
    expect(manager.list().find((p) => p.id === 'needy')!.modelNeed).toBeUndefined();
  });

  it('restarts: a new process, running again', async () => {
    const { manager } = await setup();
    const first = await manager.start('local');
    const again = await manager.restart('local');
    expect(again.status).toBe('running');
    expect(again.pid).not.toBe(first.pid);
    expect(isRunning(first.pid!)).toBe(false);
  });

  it('refuses what policy forbids: an unknown id, not installed, not runnable here', async () => {
    const { manager } = await setup({
      readiness: {
        local: { installed: false },
        standin: { compatibility: { runnable: false, reasons: ['needs an NVIDIA GPU'], warnings: [] } },
      },
    });
    await expect(manager.start('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', hint: expect.stringContaining('local') });
    expect(() => manager.state('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(manager.state('local')).toMatchObject({ status: 'not-installed' });
    await expect(manager.start('local')).rejects.toMatchObject({ code: 'CONFLICT', hint: expect.stringContaining('Install it first') });
    await expect(manager.start('standin')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('needs an NVIDIA GPU'),
    });
    // Start all: only installed providers that can run here (none), and nothing throws.
    expect(await manager.startAll()).toEqual([]);
  });

  it('runs a custom recipe only once its commands, as they are now, were confirmed', async () => {
    const { manager, paths } = await setup();
    const commands = await manager.commands('standin');
    expect(commands).toMatchObject({ id: 'standin', origin: 'user', trusted: false });
    expect((await manager.commands('local')).trusted).toBe(true);
    await expect(manager.start('standin')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'untrusted-recipe', id: 'standin', hash: commands.hash },
    });
    await expect(manager.confirmCommands('standin', 'f'.repeat(64))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await manager.confirmCommands('standin', commands.hash)).trusted).toBe(true);
    const trustFile = JSON.parse(await readFile(path.join(paths.config, 'trusted-recipes.json'), 'utf8')) as unknown;
    expect(JSON.stringify(trustFile)).toContain(commands.hash);
    expect((await manager.start('standin')).status).toBe('running');
  });

  it('leaves a server it did not start alone: shown as external, not started, stopped or restarted', async () => {
    const external: Record<string, DiscoveredServer> = {};
    const { manager, states, localPort } = await setup({ external });
    manager.externalChanged();
    expect(states).toEqual([]); // nothing found, nothing changed

    external.local = foundServer(localPort);
    manager.externalChanged();
    expect(states).toEqual([expect.objectContaining({ id: 'local', status: 'external', port: localPort, models: ['found.gguf'] })]);
    expect(manager.state('local')).toMatchObject({
      status: 'external',
      external: { baseUrl: `http://127.0.0.1:${localPort}`, version: '1.2.3' },
    });
    manager.externalChanged();
    expect(states).toHaveLength(1); // the same finding again: no event

    await expect(manager.start('local')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('started outside') });
    await expect(manager.stop('local')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('will not stop') });
    await expect(manager.restart('local')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('will not restart'),
    });

    delete external.local;
    manager.externalChanged();
    expect(states.at(-1)).toMatchObject({ id: 'local', status: 'installed' });
  });

  it('remembers what ran when it quits, and auto-starts it next time unless auto-start is off', async () => {
    const { manager, make, settings, paths, supervisor } = await setup();
    const running = await manager.start('local');
    await manager.dispose();
    expect(isRunning(running.pid!)).toBe(false);
    expect(JSON.parse(await readFile(path.join(paths.config, 'session.json'), 'utf8'))).toEqual({ running: ['local'] });

    // A runtime that must not auto-start (a CLI command doing work alone) starts nothing.
    const quiet = make();
    await quiet.initialize({ autoStart: false });
    expect(supervisor.isActive('local')).toBe(false);
    expect(quiet.state('local').status).toBe('stopped'); // the last life, as the supervisor shows it

    await settings.update({ autoStart: false });
    const off = make();
    await off.initialize();
    expect(supervisor.isActive('local')).toBe(false);

    await settings.update({ autoStart: true });
    const next = make();
    const started = new Promise<ProviderState>((resolve) =>
      next.on('state', (state) => state.id === 'local' && state.status === 'running' && resolve(state)),
    );
    await next.initialize(); // the start goes on in the background
    expect((await started).status).toBe('running');
    await next.dispose({ rememberSession: false });
    expect(JSON.parse(await readFile(path.join(paths.config, 'session.json'), 'utf8'))).toEqual({ running: ['local'] });
  });

  it('remembers each start and stop as it happens, so a host killed before it could quit brings back what ran', async () => {
    const { manager, make, paths, supervisor } = await setup();
    const sessionFile = path.join(paths.config, 'session.json');
    const remembered = async () => (JSON.parse(await readFile(sessionFile, 'utf8')) as { running: string[] }).running;
    await manager.initialize();
    await manager.start('local');
    expect(await remembered()).toEqual(['local']);
    await manager.stop('local');
    expect(await remembered()).toEqual([]);
    await manager.start('local');
    await manager.restart('local');
    expect(await remembered()).toEqual(['local']);

    // The host is killed here: no dispose. The next one (its orphan swept) starts it again.
    await supervisor.stop('local');
    const next = make();
    const started = new Promise<ProviderState>((resolve) =>
      next.on('state', (state) => state.id === 'local' && state.status === 'running' && resolve(state)),
    );
    await next.initialize();
    expect((await started).status).toBe('running');
    await next.stopAll();
    expect(await remembered()).toEqual([]);

    // A CLI command's runtime doing work alone starts and stops without touching what the host remembers.
    await writeFile(sessionFile, JSON.stringify({ running: ['local'] }));
    const tasks = make({ remembersSession: false });
    await tasks.initialize({ autoStart: false });
    await tasks.start('local');
    await tasks.stop('local');
    await tasks.dispose();
    expect(await remembered()).toEqual(['local']);
  });

  it('ignores a session file that is not what it wrote', async () => {
    const { make, paths, supervisor } = await setup();
    await writeFile(path.join(paths.config, 'session.json'), '{"running": [42, "gone", null]');
    const manager = make();
    await manager.initialize();
    expect(supervisor.isActive('local')).toBe(false);
  });
});
