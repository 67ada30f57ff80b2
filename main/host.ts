import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';
import { contract, type Contract } from '../shared/contract';
import { AppFailure } from '../shared/errors';
import { RpcServer } from '../shared/rpc/server';
import type { Settings } from '../shared/settings';
import type { AppInfo } from '../shared/system';
import { BUILTIN_RECIPES } from './builtin-recipes/builtin';
import { createApi } from './api';
import { ProviderManager } from './manager';
import { readinessOf } from './readiness';
import { Catalog } from './services/catalog/catalog';
import { defineUserRecipe } from './services/catalog/define-recipe';
import { Installer } from './services/installer/installer';
import { machineForPlan } from './services/installer/plan';
import { DiscoveryService } from './services/discovery/discovery';
import { GatewayService } from './services/gateway/gateway-service';
import { ProviderUpstreams } from './services/gateway/provider-upstreams';
import { MergedUpstreams } from './services/gateway/upstreams';
import { OnDemandLoader } from './services/on-demand/on-demand-loader';
import { LogService } from './services/logs/logs';
import { ModelDownloads } from './services/models/downloads';
import { ModelsService } from './services/models/models';
import { scanLocalStores } from './services/models/local-stores';
import { AlertRules } from './services/resources/alert-rules';
import { providerProcesses } from './services/resources/provider-usage';
import { ResourceMonitor } from './services/resources/resource-monitor';
import { freeMemoryForModels } from './services/on-demand/free-memory';
import { Subscriptions } from '../shared/rpc/subscriptions';
import { expandPlaceholders } from './services/supervision/placeholders';
import { Supervisor } from './services/supervision/supervisor';
import type { NodeLauncher } from './services/supervision/started-process';
import { APP_NAME, APP_VERSION } from './app-meta';
import { BaseDirLock } from './services/base-dir/base-dir-lock';
import { ensureLayout, pathsFor, resolveBaseDir, type BaseDirChoice, type Paths } from './services/base-dir/paths';
import { BaseDirGuard } from './services/base-dir/base-dir-guard';
import { hostFilePath, removeHostFile, writeHostFile, type HostFile } from './host-file';
import { SettingsService } from './services/settings/settings';
import { SystemService } from './services/system/system';
import { HubClient } from './services/models/hub-client';
import { HubService } from './services/models/hub-service';
import { secretStoreFor, type SecretCipher } from './services/secrets/secret-store';
import { UpstreamKeys } from './services/secrets/upstream-keys';
import { ChatStore } from './services/chats/chat-store';
import { BackupService } from './services/backup/backup-service';
import { DiagnosticsService } from './services/diagnostics/diagnostics-service';
import { checkSystem } from './services/system/system-check';
import { AppLog, appLogFile } from './services/logs/app-log';
import { withRequestLog } from './services/logs/request-log';
import { ACTIVE } from '../shared/provider';

export interface BaseDirOptions {
  env?: NodeJS.ProcessEnv;
  /** Report a bad settings file without keeping it aside (see SettingsServiceOptions.readOnly). */
  readOnly?: boolean;
  /** Where the app keeps its own small files (the base-directory choice). Electron passes userData. */
  appConfigDir?: string;
}

export interface HostOptions extends BaseDirOptions {
  mode: AppInfo['mode'];
  /**
   * `full` (the desktop app, `serve`): gateway, discovery, resource sampling and auto-start too.
   * `tasks`: a CLI command doing its work itself because no host runs (install, uninstall,
   * cleanup): supervisor and installer only, nothing listening, nothing started on its own.
   */
  runtime?: 'full' | 'tasks';
  /** The built engine script; by default out/main/engine.js beside this bundle. */
  engineEntry?: string;
  /** How `{node}` processes (the engine, node build steps) run: the desktop shell's utility processes; spawned node headless. */
  nodeLauncher?: NodeLauncher;
  /** Where bugs (unexpected errors) are reported; stderr by default. */
  reportBug?: (message: string, error: unknown) => void;
  /**
   * The desktop shell's Electron safeStorage: API keys are encrypted with the OS keychain's key
   * when `available`, else kept in a 0600 file (as headless always does) and the keys status says why.
   */
  secretCipher?: { available: boolean; cipher: SecretCipher; unavailableWhy?: string };
}

/**
 * A base directory opened to read: where it is, its settings, the machine, the recipes. Opening
 * one starts nothing, takes no lock and writes nothing, so the CLI's read-only commands can look
 * at a folder that a running host owns.
 */
export interface BaseDir {
  env: NodeJS.ProcessEnv;
  locationFile: string;
  paths: Paths;
  /** Who picked the base directory: decides where the app log goes (appLogFile). */
  baseDirSource: BaseDirChoice['source'];
  settings: SettingsService;
  system: SystemService;
  catalog: Catalog;
}

export interface Host {
  rpc: RpcServer<Contract>;
  paths: Paths;
  settings: SettingsService;
  system: SystemService;
  appInfo: AppInfo;
  manager: ProviderManager;
  installer: Installer;
  logs: LogService;
  /** Servers found running; `externalUpstreams()` and its `changed` event are for the gateway. */
  discovery: DiscoveryService;
  resources: ResourceMonitor;
  /** Alerts as they are raised: the desktop shell turns them into notifications. */
  alerts: AlertRules;
  gateway: GatewayService;
  /** Models the gateway loads when a request names them, each run as a supervised provider instance. */
  onDemand: OnDemandLoader;
  /**
   * Everything the gateway routes to. Our own providers are in it; discovery's external servers
   * join with `gatewayUpstreams.add(theirUpstreamSource)`.
   */
  gatewayUpstreams: MergedUpstreams;
  /** API keys for locked servers (saved per provider or endpoint; TabbyAPI's own). */
  keys: UpstreamKeys;
  /** This host's hold on the base directory, released by `close()`. */
  lock: BaseDirLock;
  /**
   * Writes cache/host.json (how the CLI finds this host) and, in a full runtime, keeps it there
   * while the host runs, put back with the folder if a user deletes it.
   */
  announce(info: Pick<HostFile, 'origin' | 'token' | 'mode'>): Promise<void>;
  /** Removes cache/host.json (first thing on the way out: no CLI command finds a host that is stopping). */
  withdraw(): Promise<void>;
  /** The app's own log (the OS's log folder, or logs/app.log under HELIX_LOCAL_LLM_DIR; see appLogFile), at the level Settings → logLevel says (HELIX_LOCAL_LLM_LOG_LEVEL by default). */
  appLog: AppLog;
  /** Backup and restore of config/. */
  backups: BackupService;
  /** Diagnostics for a bug report (Help → Save diagnostics). */
  diagnostics: DiagnosticsService;
  /** Stops everything now: what the graceful `close()` is still waiting for is killed outright. */
  hurry(): Promise<void>;
  /** Synchronous last resort (an exit handler): SIGKILL every process group we started. */
  killAllNow(): void;
  close(): Promise<void>;
}

export function defaultAppConfigDir(): string {
  return envPaths('local-llm-manager', { suffix: '' }).config;
}

/** Where the base directory is: the environment, else the choice saved in the app's config folder. */
async function locateBaseDir(options: BaseDirOptions): Promise<{ env: NodeJS.ProcessEnv; locationFile: string; baseDir: BaseDirChoice }> {
  const env = options.env ?? process.env;
  const locationFile = path.join(options.appConfigDir ?? defaultAppConfigDir(), 'location.json');
  return { env, locationFile, baseDir: await resolveBaseDir({ env, locationFile }) };
}

/** Opens a base directory to read it (see `BaseDir`): no lock, no runtime, no writes. */
export async function openBaseDir(options: BaseDirOptions = {}, located?: Awaited<ReturnType<typeof locateBaseDir>>): Promise<BaseDir> {
  const { env, locationFile, baseDir } = located ?? (await locateBaseDir(options));
  const paths = pathsFor(baseDir.path);
  // Read-only callers (status, system) create nothing, so a file in the folder's place would
  // otherwise surface as odd errors from whatever is read first.
  const kind = await stat(paths.base).then(
    (s) => (s.isDirectory() ? 'folder' : 'other'),
    () => 'missing',
  );
  if (kind === 'other') {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `The base directory ${paths.base} is not a folder.`,
      hint: 'Set HELIX_LOCAL_LLM_DIR to a folder (it is created when missing), or move that file away.',
    });
  }
  const settings = await SettingsService.load({
    file: paths.settingsFile,
    env,
    baseDir,
    locationFile,
    readOnly: options.readOnly ?? false,
  });
  const system = new SystemService({ baseDir: paths.base, env });
  const catalog = await Catalog.load({ builtins: BUILTIN_RECIPES, userDir: path.join(paths.config, 'providers.d') });
  return { env, locationFile, paths, baseDirSource: baseDir.source, settings, system, catalog };
}

/**
 * Builds every service for one running app (desktop or headless) and wires them to the contract,
 * after taking the base directory's lock: one supervisor per folder.
 */
export async function createHost(options: HostOptions): Promise<Host> {
  // Located once: a bad location.json is kept aside by the first read, and its problem must reach the settings.
  const located = await locateBaseDir(options);
  const paths = pathsFor(located.baseDir.path);
  try {
    await ensureLayout(paths);
  } catch (error) {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Cannot create the base directory ${paths.base}: ${(error as Error).message}`,
      hint: 'Set HELIX_LOCAL_LLM_DIR to a folder you can write to, or fix the permissions.',
    });
  }
  const lock = await BaseDirLock.acquire(paths, options.runtime === 'tasks' ? 'cli' : options.mode);
  try {
    return await startRuntime(await openBaseDir({ ...options, readOnly: false }, located), lock, options);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startRuntime(base: BaseDir, lock: BaseDirLock, options: HostOptions): Promise<Host> {
  const { env, paths, baseDirSource, settings, system, catalog } = base;
  const full = (options.runtime ?? 'full') === 'full';
  const logs = new LogService({ dir: paths.logs });
  const keys = await UpstreamKeys.open(secretStoreFor(paths.config, options.secretCipher));
  const supervisor = new Supervisor({
    keys,
    paths,
    logs,
    settings: () => settings.values,
    expand: expandPlaceholders,
    engineEntry: options.engineEntry ?? builtEngineEntry(),
    ...(options.nodeLauncher ? { nodeLauncher: options.nodeLauncher } : {}),
  });
  // Made before the services that ask about its instances (their ports, the providers they run).
  const onDemand = new OnDemandLoader({
    settings: () => settings.values.gateway.onDemand,
    models: () => models.list(),
    modelsDir: paths.models,
    runtime: supervisor,
    provider: (id) => {
      // The engine is built in; llama-server only once installed and runnable here.
      const summary = manager.list().find((p) => p.id === id);
      if (!summary || !summary.compatibility.runnable) return undefined;
      if (id !== 'engine' && (summary.state.status === 'not-installed' || summary.state.status === 'installing')) return undefined;
      return catalog.get(id)?.recipe;
    },
    tuning: (id) => {
      const { contextSize, threads, parallel } = settings.values.providers[id] ?? {};
      return { contextSize, threads, parallel };
    },
    // RAM or the roomiest GPU's free VRAM, from the last sample (the monitor is made further down).
    freeMemoryBytes: (): number => freeMemoryForModels(resources.latest()?.gpus),
  });
  const discovery = new DiscoveryService({
    recipes: () => catalog.list().map((entry) => entry.recipe),
    ownPorts: (): ReadonlyMap<number, string> => new Map([...manager.ownPorts(), ...onDemand.ownPorts()]),
    settings: () => settings.values.discovery,
    keys,
  });
  const installer = new Installer({
    paths,
    logs,
    recipe: (id) => {
      const entry = catalog.get(id);
      if (!entry) throw new AppFailure({ code: 'NOT_FOUND', message: `No provider "${id}".`, hint: 'Pick one from the Install page.' });
      return entry.recipe;
    },
    override: (id) => settings.values.providers[id] ?? {},
    machine: async () => machineForPlan(await system.machine()),
    isActive: (id) => supervisor.isActive(id) || onDemand.usesProvider(id),
    env,
    ...(options.nodeLauncher ? { nodeLauncher: options.nodeLauncher } : {}),
  });
  await installer.restore();
  const manager = new ProviderManager({
    installs: installer,
    external: discovery,
    catalog,
    supervisor,
    settings,
    logs,
    paths,
    readiness: readinessOf(base),
    remembersSession: full,
  });
  await manager.initialize({ autoStart: full });
  const providerUpstreams = new ProviderUpstreams(
    {
      states: () => manager.list().map((p) => p.state),
      on: (event, listener) => manager.on(event, listener),
      off: (event, listener) => manager.off(event, listener),
    },
    '127.0.0.1',
    (id) => keys.forProvider(id),
  );
  // Our providers, and the servers discovery found running outside the app (the user's own Ollama, LM Studio…).
  // Models loaded on demand come first: their instances also appear as providers, and the first source keeps a URL.
  const gatewayUpstreams = new MergedUpstreams([onDemand, providerUpstreams, discovery.upstreamSource()]);
  const gateway = new GatewayService({ upstreams: gatewayUpstreams, onDemand });
  if (full) await gateway.apply(settings.values.gateway);
  const models = modelsOf(paths, settings);
  // HF_ENDPOINT / HF_TOKEN: the token goes with the hub's own URLs only.
  const hubClient = new HubClient();
  const downloads = new ModelDownloads(paths.models, path.join(paths.cache, 'downloads'), (url) =>
    url.startsWith(`${hubClient.endpoint}/`) ? hubClient.authHeaders() : {},
  );
  await downloads.restore();
  const appInfo: AppInfo = {
    name: APP_NAME,
    version: APP_VERSION,
    mode: options.mode,
    platform: process.platform,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    baseDir: paths.base,
    appLogFile: appLogFile(paths, baseDirSource),
  };
  const resources = new ResourceMonitor({
    baseDir: paths.base,
    intervalMs: () => settings.values.resourceIntervalSec * 1000,
    providers: () => providerProcesses([...manager.list().map((p) => p.state), ...onDemand.instanceStates()]),
  });
  // Who asked for which keyed events: one provider's log lines, the resource samples.
  const subscriptions = new Subscriptions();
  const alerts = new AlertRules(
    () => settings.values,
    (id) => manager.list().find((p) => p.id === id)?.name ?? id,
  );
  const appLog = new AppLog(appLogFile(paths, baseDirSource), () => settings.values.logLevel);
  // An error that escaped a handler is a bug: on stderr, and in the app log with its stack.
  const reportBug = (message: string, error: unknown) => {
    appLog.write('error', message, error);
    if (options.reportBug) options.reportBug(message, error);
    else console.error(message, error instanceof Error ? error.stack : error);
  };
  const backups = new BackupService({
    paths,
    app: { name: APP_NAME, version: APP_VERSION },
    recipes: () => catalog.list().map((entry) => entry.recipe),
    builtins: BUILTIN_RECIPES,
    // What runs or installs uses config/: a restore waits until it has stopped.
    busy: () => [
      ...manager
        .list()
        .filter((p) => ACTIVE.includes(p.state.status))
        .map((p) => `${p.name} is ${p.state.status}`),
      ...onDemand.instanceStates().map((s) => `${s.id} is loaded on demand`),
      ...installer
        .list()
        .filter((run) => run.status === 'queued' || run.status === 'running' || run.status === 'interrupted')
        .map((run) => `the install of ${run.providerId} is ${run.status}`),
    ],
    afterRestore: async () => {
      // The restored files take effect now: custom recipes, install state, settings (a hand edit, taken in at once).
      await catalog.reload();
      await manager.refresh();
      await settings.edit(() => ({}));
      for (const p of manager.list()) rpc.emit('providers.state', p.state);
      appLog.write('info', 'config/ restored from a backup');
    },
  });
  const diagnostics = new DiagnosticsService({
    app: appInfo,
    appLogFile: appLog.file,
    logsDir: paths.logs,
    settingsFile: paths.settingsFile,
    systemCheck: () =>
      checkSystem(
        system,
        catalog.list().map((entry) => entry.recipe),
        {},
      ),
    secrets: () => {
      const gatewayKey = settings.values.gateway.apiKey;
      const saved = keys
        .status()
        .keys.map(({ target }) => ('provider' in target ? keys.forProvider(target.provider) : keys.forEndpoint(target.endpoint)));
      return [gatewayKey, ...saved, env.HELIX_LOCAL_LLM_HOST_KEY, env.HF_TOKEN].filter((s): s is string => typeof s === 'string');
    },
  });
  const chats = new ChatStore(paths.chats);
  const rpc = new RpcServer(
    contract,
    withRequestLog(
      createApi({
        appInfo,
        settings,
        system,
        installer,
        paths,
        recipes: () => catalog.list().map((entry) => entry.recipe),
        manager,
        logs,
        models,
        downloads,
        hub: new HubService(hubClient, downloads, system),
        resources,
        alerts,
        subscriptions,
        discovery,
        gateway,
        onDemand,
        keys,
        chats,
        defineRecipe: async (data) => {
          const recipe = await defineUserRecipe(catalog, data);
          await manager.installChanged(recipe.id);
          return manager.commands(recipe.id);
        },
        reprobe: async (target) => {
          await Promise.all([
            discovery.scan({ fresh: true }),
            'provider' in target ? supervisor.recheckModels(target.provider) : undefined,
          ]);
        },
        backups,
        diagnostics,
      }),
      appLog,
    ),
    {
      onUnexpectedError: (method, error) => reportBug(`Unexpected error in "${method}":`, error),
      subscriptions,
    },
  );
  settings.on('changed', (state) => rpc.emit('settings.changed', state));
  // A hand edit of settings.json takes effect (and reaches every client) while the app runs.
  await settings.watch();
  manager.on('state', (state) => rpc.emit('providers.state', state));
  // A client gets the lines of the logs it shows (logs.watch), not every provider's.
  logs.on('lines', (batch) => rpc.emitTo('logs.lines', batch.id, batch));
  downloads.on('progress', (state) => rpc.emit('downloads.progress', state));
  manager.on('install', (run) => rpc.emit('install.progress', run));
  gateway.on('changed', (status) => rpc.emit('gateway.changed', status));
  gateway.on('stats', (stats) => rpc.emit('gateway.stats', stats));
  gateway.on('tryChunk', (chunk) => rpc.emit('gateway.tryChunk', chunk));
  chats.on('changed', (list) => rpc.emit('chats.changed', list));
  onDemand.on('changed', (status) => rpc.emit('gateway.models', status));
  keys.on('changed', (status) => {
    providerUpstreams.refresh();
    rpc.emit('keys.changed', status);
  });
  settings.on('changed', () => onDemand.settingsChanged());
  if (full) {
    settings.on('changed', (state) => {
      gateway.apply(state.values.gateway).catch((error: unknown) => reportBug('Could not apply the gateway settings:', error));
    });
  }
  discovery.on('changed', (results) => {
    manager.externalChanged();
    rpc.emit('discovery.changed', results);
  });
  settings.on('changed', () => discovery.reschedule());
  if (full) discovery.start();
  manager.on('state', (state) => alerts.checkProvider(state));
  // At debug, the app log tells a provider's life and the gateway's as they happen.
  manager.on('state', (state) => {
    if (appLog.enabled('debug'))
      appLog.write('debug', `provider ${state.id}: ${state.status}${state.port ? ` on port ${state.port}` : ''} (${state.reason})`);
  });
  gateway.on('changed', (status) => {
    if (appLog.enabled('debug'))
      appLog.write(
        'debug',
        `gateway: ${status.listening ? `listening at ${status.url}` : 'not listening'}, ${status.routes.length} model(s) routed`,
      );
  });
  // A log that cannot reach the disk (full, removed, read-only) lives in memory: say so once.
  logs.on('problem', (event) => alerts.checkLogFile(event));
  resources.on('sample', (sample) => {
    alerts.checkSample(sample);
    // Samples go out only while someone looks; the history and alerts do not need them to.
    rpc.emitTo('resources.sample', '', sample);
  });
  alerts.on('raised', (alert) => rpc.emit('alerts.raised', alert));
  // Muting a kind changes what is in effect without any condition changing; other settings do not.
  let inEffectSent = '';
  const sendAlertsInEffect = () => {
    const inEffect = alerts.active();
    const ids = inEffect.map((alert) => alert.id).join(' ');
    if (ids === inEffectSent) return;
    inEffectSent = ids;
    rpc.emit('alerts.changed', { alerts: inEffect });
  };
  alerts.on('changed', sendAlertsInEffect);
  settings.on('changed', sendAlertsInEffect);
  if (full) resources.start();
  const guard = full ? guardBaseDir({ paths, lock, appLog, alerts, manager, catalog }) : undefined;
  // Whatever happens to the host process, no provider we started outlives it.
  const killOnExit = () => {
    supervisor.killAllNow();
    installer.killAllNow();
  };
  process.on('exit', killOnExit);
  let closing: Promise<void> | undefined;

  return {
    rpc,
    paths,
    settings,
    system,
    appInfo,
    manager,
    installer,
    logs,
    discovery,
    resources,
    alerts,
    gateway,
    onDemand,
    gatewayUpstreams,
    keys,
    lock,
    async announce(info) {
      const write = () => writeHostFile(paths, { ...lock.owner, ...info, mode: info.mode });
      await write();
      guard?.keep(hostFilePath(paths), write);
    },
    async withdraw() {
      guard?.forget(hostFilePath(paths));
      await removeHostFile(paths);
    },
    appLog,
    backups,
    diagnostics,
    hurry: () => supervisor.hurry(),
    killAllNow: killOnExit,
    close() {
      closing ??= closeAll();
      return closing;
    },
  };

  async function closeAll(): Promise<void> {
    try {
      guard?.stop();
      await gateway.close();
      onDemand.close();
      providerUpstreams.dispose();
      discovery.stop();
      discovery.removeAllListeners();
      keys.removeAllListeners();
      await resources.close();
      alerts.removeAllListeners();
      chats.close();
      chats.removeAllListeners();
      await installer.close();
      // A CLI command doing work alone must not overwrite what the app remembers to auto-start.
      await manager.dispose({ rememberSession: full });
      await downloads.close();
      await logs.close();
      process.off('exit', killOnExit);
      await settings.close();
      settings.removeAllListeners();
      manager.removeAllListeners();
    } finally {
      lock.release();
    }
  }
}

/**
 * A user who deletes the base directory while the host runs (a reset by hand) gets it made again
 * with the host's lock and host.json in it, so no second host takes the folder and the CLI still
 * finds this one; the tiles read their install state again, and an alert says what happened.
 */
function guardBaseDir(deps: {
  paths: Paths;
  lock: BaseDirLock;
  appLog: AppLog;
  alerts: AlertRules;
  manager: ProviderManager;
  catalog: Catalog;
}): BaseDirGuard {
  const { paths, appLog, alerts, manager, catalog } = deps;
  const guard = new BaseDirGuard(paths, deps.lock);
  guard.on('restored', () => {
    const message = `${paths.base} (or its lock) was deleted while this host ran. It was made again, with this host's lock in it, so no second host takes it; what was in it (installed providers, models, saved settings) is gone, and providers still running keep running until stopped.`;
    appLog.write('warn', message);
    alerts.baseDirChanged('The base directory was deleted', message);
    for (const { recipe } of catalog.list())
      manager.installChanged(recipe.id).catch((error: Error) => appLog.write('warn', `could not re-read ${recipe.id}: ${error.message}`));
  });
  guard.on('lost', (owner) => {
    const message = `Another process (PID ${owner.pid}, ${owner.mode}) took the lock of ${paths.base} after it was deleted under this host: two hosts now manage one folder. Quit one of them.`;
    appLog.write('error', message);
    alerts.baseDirChanged('Two hosts manage one base directory', message);
  });
  guard.on('problem', (error) => appLog.write('error', `could not keep the base directory ${paths.base} in place: ${error.message}`));
  guard.start();
  return guard;
}

/**
 * out/main/engine.js when running from the build (this code may sit in out/main/chunks/);
 * absent when running from source.
 */
function builtEngineEntry(): string | undefined {
  return ['./engine.js', '../engine.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url))).find((file) => existsSync(file));
}

/** The models folder and other apps' stores, with who uses which file: the host's, and a read-only CLI's. */
export function modelsOf(paths: Paths, settings: Pick<SettingsService, 'values'>): ModelsService {
  return new ModelsService(
    paths.models,
    (files) => modelUsers(files, settings.values.providers),
    () => scanLocalStores(),
  );
}

/** Who uses which model file: providers with a model chosen, and the engine's default (the first file). */
function modelUsers(files: string[], overrides: Settings['providers']): Record<string, string[]> {
  const users: Record<string, string[]> = {};
  const add = (file: string, id: string) => (users[file] ??= []).push(id);
  for (const [id, override] of Object.entries(overrides)) if (override.model && files.includes(override.model)) add(override.model, id);
  // The engine's default is the first file in our models folder, never another app's model.
  if (!overrides.engine?.model && files[0] && !path.isAbsolute(files[0])) add(files[0], 'engine');
  return users;
}
