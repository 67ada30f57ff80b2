import { EventEmitter } from 'node:events';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { DiscoveredServer } from '../shared/discovery';
import type { InstallRun } from '../shared/install';
import type { Installer } from './services/installer/installer';
import { AppFailure } from '../shared/errors';
import {
  STARTABLE,
  type CatalogProblem,
  type Compatibility,
  type HealthSample,
  type ProviderDetail,
  type ProviderState,
  type ProviderSummary,
} from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import { recipeCommandsOf, type RecipeCommands } from '../shared/recipe-commands';
import { executableHash, RecipeTrust } from './services/recipe-trust';
import type { LogService } from './services/logs';
import { READ_CAPS, readCappedFile } from './services/os/read-capped-file';
import type { Paths } from './services/paths';
import type { SettingsService } from './services/settings';
import type { StartOptions } from './services/supervision/supervisor';

export interface CatalogEntry {
  recipe: ProviderRecipe;
  origin: 'builtin' | 'user';
  file?: string;
}

export interface RecipeSource {
  list(): CatalogEntry[];
  get(idOrAlias: string): CatalogEntry | undefined;
  readonly problems: CatalogProblem[];
}

/** What the machine says about a recipe before anything runs: installed? runnable here? */
export interface Readiness {
  installed: boolean;
  compatibility: Compatibility;
}

/**
 * What the manager needs of the supervisor. A base directory opened only to read (the CLI's
 * `status` with no host running) has no supervisor: see provider-snapshot.ts.
 */
export interface ProviderRuntime {
  on(event: 'state', listener: (state: ProviderState) => void): unknown;
  isActive(id: string): boolean;
  state(id: string): ProviderState | undefined;
  healthHistory(id: string): HealthSample[];
  start(recipe: ProviderRecipe, options?: StartOptions): Promise<ProviderState>;
  stop(id: string, reason?: string): Promise<ProviderState | undefined>;
  stopAll(reason?: string): Promise<ProviderState[]>;
  sweepOrphans(): Promise<string[]>;
}

export interface ManagerDeps {
  catalog: RecipeSource;
  supervisor: ProviderRuntime;
  settings: SettingsService;
  logs: LogService;
  paths: Paths;
  readiness(recipe: ProviderRecipe): Promise<Readiness>;
  /** Servers discovery found running that this app did not start. */
  external?: ExternalFinder;
  /** Install runs, shown as `installing` while they go on. */
  installs?: Installer;
  /** Confirmed custom recipes; defaults to config/trusted-recipes.json. */
  trust?: RecipeTrust;
}

export interface ExternalFinder {
  externalFor(recipeId: string): { server: DiscoveredServer; others: number } | undefined;
  results(): { scannedAt?: string };
}

/**
 * The original spec's LocalLLMManager: one façade over catalog, supervisor and logs that the
 * contract (api.ts), the CLI and the tray all use. It knows what is installed and runnable; the
 * supervisor knows what runs.
 */
export class LocalLLMManager extends EventEmitter<{ state: [ProviderState] }> {
  private readonly ready = new Map<string, Readiness>();
  private readonly readAt = new Map<string, string>();
  /** What each tile last showed of discovery, to send a state event only when that changes. */
  private readonly externalShown = new Map<string, string>();

  private readonly trust: RecipeTrust;

  constructor(private readonly deps: ManagerDeps) {
    super();
    this.trust = deps.trust ?? new RecipeTrust(path.join(deps.paths.config, 'trusted-recipes.json'));
    // A provider we stopped may still be running outside the app: the tile shows that one then.
    deps.supervisor.on('state', (state) => this.emit('state', deps.supervisor.isActive(state.id) ? state : (this.externalState(state.id) ?? state)));
    deps.installs?.on('run', (run) =>
      this.onInstallRun(run).catch((error: Error) => deps.logs.system(run.providerId, `could not re-read the install state: ${error.message}`)),
    );
  }

  /** An install moved on: the tile shows it; once it ends, the provider's install state is read again. */
  private async onInstallRun(run: InstallRun): Promise<void> {
    const entry = this.deps.catalog.get(run.providerId);
    if (!entry) return;
    if (run.status !== 'queued' && run.status !== 'running') this.setReadiness(entry.recipe.id, await this.deps.readiness(entry.recipe));
    this.emit('state', this.stateOf(entry.recipe));
  }

  private setReadiness(id: string, readiness: Readiness): void {
    this.ready.set(id, readiness);
    this.readAt.set(id, new Date().toISOString());
  }

  /** Re-reads one provider's install state (after an uninstall) and tells listeners. */
  async installChanged(idOrAlias: string): Promise<void> {
    const { recipe } = this.entry(idOrAlias);
    this.setReadiness(recipe.id, await this.deps.readiness(recipe));
    this.emit('state', this.stateOf(recipe));
  }

  /** Re-reads install state and compatibility of every recipe (cheap; run at start and after installs). */
  async refresh(): Promise<void> {
    await Promise.all(
      this.deps.catalog.list().map(async ({ recipe }) => this.setReadiness(recipe.id, await this.deps.readiness(recipe))),
    );
  }

  /**
   * Startup: refresh, stop what a previous session that crashed left running, and, with
   * auto-start on (HELIX_LOCAL_LLM_AUTO_START), bring back the providers that were running when
   * the app last quit. Those start in the background: the app does not wait for a model to load.
   */
  async initialize(options: { autoStart: boolean } = { autoStart: true }): Promise<void> {
    await this.refresh();
    await this.deps.supervisor.sweepOrphans();
    if (!options.autoStart || !this.deps.settings.values.autoStart) return;
    for (const id of await readSession(this.sessionFile)) {
      if (!this.deps.catalog.get(id)) continue;
      this.start(id).catch((error: unknown) => this.deps.logs.system(id, `auto-start failed: ${(error as Error).message}`));
    }
  }

  list(): ProviderSummary[] {
    return this.deps.catalog.list().map((entry) => this.summary(entry));
  }

  get problems(): CatalogProblem[] {
    return this.deps.catalog.problems;
  }

  detail(idOrAlias: string): ProviderDetail {
    const entry = this.entry(idOrAlias);
    const id = entry.recipe.id;
    return {
      ...this.summary(entry),
      recipe: entry.recipe,
      ...(entry.file ? { file: entry.file } : {}),
      configDir: path.join(this.deps.paths.config, id),
      dataDir: path.join(this.deps.paths.data, id),
      logFile: this.deps.logs.fileOf(id),
      healthHistory: this.deps.supervisor.healthHistory(id),
    };
  }

  state(idOrAlias: string): ProviderState {
    const { recipe } = this.entry(idOrAlias);
    return this.stateOf(recipe);
  }

  async start(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
    const current = this.stateOf(recipe);
    if (this.deps.supervisor.isActive(recipe.id)) return this.deps.supervisor.start(recipe);
    if (current.status === 'external') {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} is already running at ${current.external?.baseUrl}, started outside Local LLM Manager; it is used as it is.`,
        hint: 'Stop it where it was started (its app, tray icon, service or terminal) if you want this app to run its own.',
      });
    }
    if (recipe.start.length === 0) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} starts its server from inside the app; Local LLM Manager cannot start it.`,
        hint: recipe.startHint ?? 'Start it from the app itself.',
      });
    }
    const readiness = this.ready.get(recipe.id);
    if (readiness && !readiness.compatibility.runnable) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} cannot run on this machine: ${readiness.compatibility.reasons.join('; ')}.`,
        hint: 'Pick a provider marked as fitting this machine.',
      });
    }
    if (!STARTABLE.includes(current.status)) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} is ${current.status}, so it cannot be started.`,
        hint: current.status === 'not-installed' ? 'Install it first from the Install page.' : 'Wait until it settles, then try again.',
      });
    }
    await this.requireTrusted(recipe.id);
    const override = this.deps.settings.values.providers[recipe.id] ?? {};
    return this.deps.supervisor.start(recipe, {
      pinnedPort: override.port,
      model: override.model,
      contextSize: override.contextSize,
      threads: override.threads,
    });
  }

  /** What a recipe runs, its hash, and whether that is trusted (built-ins always are). */
  async commands(idOrAlias: string): Promise<RecipeCommands> {
    const { recipe, origin, file } = this.entry(idOrAlias);
    const hash = executableHash(recipe);
    const trusted = origin === 'builtin' || (await this.trust.isTrusted(recipe.id, hash));
    return { id: recipe.id, name: recipe.name, origin, ...(file ? { file } : {}), hash, trusted, ...recipeCommandsOf(recipe) };
  }

  /** The user confirmed the commands they were shown; `hash` proves it was this version of them. */
  async confirmCommands(idOrAlias: string, hash: string): Promise<RecipeCommands> {
    const { recipe, origin, file } = this.entry(idOrAlias);
    if (origin === 'builtin') return this.commands(recipe.id);
    if (executableHash(recipe) !== hash) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `The commands of ${recipe.name} are not the ones confirmed: its recipe changed since they were shown.`,
        hint: 'Look at its commands again, then confirm those.',
      });
    }
    await this.trust.trust(recipe.id, hash, file);
    return this.commands(recipe.id);
  }

  /**
   * A custom recipe runs nothing (install or start) until its commands were confirmed as they are
   * now: a file dropped in providers.d, or an edit of one, cannot run code unseen.
   */
  async requireTrusted(idOrAlias: string): Promise<void> {
    const commands = await this.commands(idOrAlias);
    if (commands.trusted) return;
    throw new AppFailure({
      code: 'CONFLICT',
      message: `${commands.name} is a custom recipe (${commands.file}) whose commands have not been confirmed${(await this.trust.isKnown(commands.id)) ? ' since it was edited' : ''}; it will not be installed or started until they are.`,
      hint: `Review the commands it runs and confirm them once: in the app, press Install or Start on its tile (a dialog lists them); in a terminal, run "local-llm-manager trust ${commands.id}"; from a script, call providers.commands, then providers.trust with the hash it returns.`,
      details: { reason: 'untrusted-recipe', id: commands.id, hash: commands.hash },
    });
  }

  async stop(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
    this.refuseExternal(recipe, 'stop');
    return (await this.deps.supervisor.stop(recipe.id)) ?? this.stateOf(recipe);
  }

  async restart(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
    this.refuseExternal(recipe, 'restart');
    await this.deps.supervisor.stop(recipe.id, 'restarting at the user’s request');
    return this.start(recipe.id);
  }

  /** The spec's StartAllProviders: every installed provider this machine can run. */
  async startAll(): Promise<ProviderState[]> {
    const candidates = this.list().filter((p) => p.compatibility.runnable && STARTABLE.includes(p.state.status));
    const results = await Promise.allSettled(candidates.map((p) => this.start(p.id)));
    return results.map((r, i) => (r.status === 'fulfilled' ? r.value : this.state(candidates[i]!.id)));
  }

  async stopAll(): Promise<ProviderState[]> {
    return this.deps.supervisor.stopAll();
  }

  /** The spec's GetProviderStatus. */
  getProviderStatus(): Record<string, ProviderState> {
    return Object.fromEntries(this.list().map((p) => [p.id, p.state]));
  }

  /** The spec's GetRunningProviders: the endpoints of healthy providers. */
  getRunningProviders(): string[] {
    return this.list()
      .filter((p) => p.state.status === 'running' && p.state.port)
      .map((p) => `http://127.0.0.1:${p.state.port}`);
  }

  /** Quitting: remember what runs (for auto-start next time), then stop everything we started. */
  async dispose(options: { rememberSession: boolean } = { rememberSession: true }): Promise<void> {
    const running = this.list()
      .filter((p) => this.deps.supervisor.isActive(p.id))
      .map((p) => p.id);
    if (options.rememberSession) await writeSession(this.sessionFile, running).catch(() => undefined);
    await this.deps.supervisor.stopAll('stopped because the app is quitting');
  }

  /** Ports the providers we run use now (main and extra), so discovery can tell ours from external ones. */
  ownPorts(): Map<number, string> {
    const ports = new Map<number, string>();
    for (const { recipe } of this.deps.catalog.list()) {
      if (!this.deps.supervisor.isActive(recipe.id)) continue;
      const state = this.deps.supervisor.state(recipe.id);
      if (state?.port) ports.set(state.port, recipe.id);
      for (const port of Object.values(state?.extraPorts ?? {})) ports.set(port, recipe.id);
    }
    return ports;
  }

  /** Discovery's findings changed: a state event for every tile whose external server appeared, changed or went. */
  externalChanged(): void {
    for (const { recipe } of this.deps.catalog.list()) {
      if (this.deps.supervisor.isActive(recipe.id)) continue;
      const external = this.externalState(recipe.id);
      const shown = external ? JSON.stringify({ ...external, updatedAt: undefined, health: external.health?.ok }) : '';
      if (shown === (this.externalShown.get(recipe.id) ?? '')) continue;
      this.externalShown.set(recipe.id, shown);
      // Stamped now: the state it falls back to may be older than the external one the UI holds.
      this.emit('state', { ...(external ?? this.stateOf(recipe)), updatedAt: new Date().toISOString() });
    }
  }

  private refuseExternal(recipe: ProviderRecipe, action: 'stop' | 'restart'): void {
    if (this.deps.supervisor.isActive(recipe.id)) return;
    const external = this.externalState(recipe.id);
    if (!external) return;
    throw new AppFailure({
      code: 'CONFLICT',
      message: `${recipe.name} at ${external.external?.baseUrl} was not started by Local LLM Manager, so it will not ${action} it.`,
      hint: `${action === 'stop' ? 'Stop' : 'Restart'} it where it was started: its app, tray icon, service or terminal.`,
    });
  }

  /** The tile of a provider found running outside the app, when discovery found one. */
  private externalState(id: string): ProviderState | undefined {
    const found = this.deps.external?.externalFor(id);
    if (!found) return undefined;
    const { server, others } = found;
    const what = server.version ? `version ${server.version} ` : '';
    const locked = server.locked ? `; locked (${server.locked.status}): it needs an API key` : '';
    return {
      id,
      status: 'external',
      reason: `found running ${what}at ${server.baseUrl}, not started by this app${locked}`,
      port: server.port,
      ...(server.pid ? { pid: server.pid } : {}),
      restarts: 0,
      models: server.models,
      ...(server.health ? { health: server.health } : {}),
      external: {
        baseUrl: server.baseUrl,
        ...(server.version ? { version: server.version } : {}),
        ...(server.locked ? { lockedStatus: server.locked.status } : {}),
        ...(server.confidence ? { confidence: server.confidence } : {}),
        evidence: server.evidence,
        ...(server.command ? { command: server.command } : {}),
        others,
      },
      updatedAt: this.deps.external?.results().scannedAt ?? new Date().toISOString(),
    };
  }

  private get sessionFile(): string {
    return path.join(this.deps.paths.config, 'session.json');
  }

  private entry(idOrAlias: string): CatalogEntry {
    const entry = this.deps.catalog.get(idOrAlias);
    if (!entry) {
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: `No provider "${idOrAlias}".`,
        hint: `Known providers: ${this.deps.catalog
          .list()
          .map((e) => e.recipe.id)
          .join(', ')}.`,
      });
    }
    return entry;
  }

  private stateOf(recipe: ProviderRecipe): ProviderState {
    const install = this.deps.installs?.get(recipe.id);
    if (install && (install.status === 'queued' || install.status === 'running')) {
      const step = install.steps[install.current];
      return {
        id: recipe.id,
        status: 'installing',
        reason: install.status === 'queued' ? `${install.action} queued` : `${install.action}: step ${install.current + 1} of ${install.steps.length}: ${step?.title ?? ''}`,
        restarts: 0,
        updatedAt: install.updatedAt,
      };
    }
    const live = this.deps.supervisor.state(recipe.id);
    if (live && this.deps.supervisor.isActive(recipe.id)) return live;
    const external = this.externalState(recipe.id);
    if (external) return external;
    // A stopped or failed life of a provider since uninstalled is history: the tile says not installed.
    if (live && (this.ready.get(recipe.id)?.installed ?? true)) return live;
    const installed = this.ready.get(recipe.id)?.installed ?? false;
    const unfinished = !installed && install?.status === 'interrupted';
    return {
      id: recipe.id,
      status: installed ? 'installed' : 'not-installed',
      reason: installed ? 'installed, not running' : unfinished ? 'install interrupted: resume it or roll it back' : 'not installed',
      restarts: 0,
      // When this was last read: clients keep the newest state they saw, so a fresh read must be newer.
      updatedAt: this.readAt.get(recipe.id) ?? new Date(0).toISOString(),
    };
  }

  private summary({ recipe, origin }: CatalogEntry): ProviderSummary {
    return {
      id: recipe.id,
      name: recipe.name,
      description: recipe.description,
      homepage: recipe.homepage,
      api: recipe.api,
      defaultPort: recipe.defaultPort,
      origin,
      installStrategy: recipe.install.strategy,
      ...(recipe.installEstimate ? { installEstimate: recipe.installEstimate } : {}),
      ...(recipe.install.strategy === 'external' ? { downloadUrl: recipe.install.downloadUrl } : {}),
      ...(recipe.version ? { version: recipe.version } : {}),
      compatibility: this.ready.get(recipe.id)?.compatibility ?? { runnable: true, reasons: [], warnings: [] },
      state: this.stateOf(recipe),
    };
  }
}

async function readSession(file: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readCappedFile(file, READ_CAPS.state)) as { running?: unknown };
    return Array.isArray(parsed.running) ? parsed.running.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

async function writeSession(file: string, running: string[]): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify({ running }, null, 2)}\n`, { encoding: 'utf8' });
}
