import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { InstallRun } from '../shared/install';
import type { Installer } from './services/installer/installer';
import { closestName } from '../shared/closest-name';
import { AppFailure } from '../shared/errors';
import {
  STARTABLE,
  type CatalogProblem,
  type HealthSample,
  type ProviderDetail,
  type ProviderState,
  type ProviderSummary,
} from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import { recipeCommandsOf, type RecipeCommands } from '../shared/recipe-commands';
import { executableHash, RecipeTrust } from './services/catalog/recipe-trust';
import type { LogService } from './services/logs/logs';
import type { Paths } from './services/base-dir/paths';
import type { SettingsService } from './services/settings/settings';
import type { StartOptions } from './services/supervision/supervisor';
import { modelNeedOf } from './model-need';
import { RememberedSession, sessionFileOf } from './remembered-session';
import { ProviderView, type CatalogEntry, type ExternalFinder, type Readiness, type RecipeSource } from './provider-view';

export type { CatalogEntry, ExternalFinder, Readiness, RecipeSource } from './provider-view';

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
  /**
   * Whether starts and stops here are what the next auto-start brings back (config/session.json):
   * the host's (default), not a CLI command's runtime doing work alone.
   */
  remembersSession?: boolean;
}

/**
 * The policy inside the host behind the original spec's LocalLLMManager (the package's Node API,
 * main/node-api/, reaches it through the contract): one façade over catalog, supervisor and logs
 * that the contract (api.ts), the CLI and the tray all use. It holds the policy (what may start, stop or
 * restart, and when; trust of custom recipes; auto-start and the remembered session); how a
 * provider looks to clients is the view's (provider-view.ts), what runs is the supervisor's.
 */
export class ProviderManager extends EventEmitter<{
  state: [ProviderState];
  /**
   * An install run moved on, passed on once the provider's state follows it: a client that hears
   * "done" and asks at once finds the provider installed, not the state from before.
   */
  install: [InstallRun];
}> {
  private readonly view: ProviderView;
  private readonly trust: RecipeTrust;
  private readonly session: RememberedSession | undefined;

  constructor(private readonly deps: ManagerDeps) {
    super();
    this.session = deps.remembersSession === false ? undefined : new RememberedSession(sessionFileOf(deps.paths));
    this.view = new ProviderView({
      supervisor: deps.supervisor,
      paths: deps.paths,
      logs: deps.logs,
      external: deps.external,
      installs: deps.installs,
      modelNeed: (recipe) => modelNeedOf(recipe, deps.settings.values.providers[recipe.id]?.model, deps.paths.models),
    });
    this.trust = deps.trust ?? new RecipeTrust(path.join(deps.paths.config, 'trusted-recipes.json'));
    // A provider we stopped may still be running outside the app: the tile shows that one then.
    deps.supervisor.on('state', (state) => this.emit('state', this.view.afterSupervisorState(state)));
    deps.installs?.on(
      'run',
      (run) =>
        void this.onInstallRun(run)
          .catch((error: Error) => deps.logs.system(run.providerId, `could not re-read the install state: ${error.message}`))
          .finally(() => this.emit('install', run)),
    );
  }

  /** An install moved on: the tile shows it; once it ends, the provider's install state is read again. */
  private async onInstallRun(run: InstallRun): Promise<void> {
    const entry = this.deps.catalog.get(run.providerId);
    if (!entry) return;
    if (run.status !== 'queued' && run.status !== 'running')
      this.view.setReadiness(entry.recipe.id, await this.deps.readiness(entry.recipe));
    this.emit('state', this.view.state(entry.recipe));
  }

  /** Re-reads one provider's install state (after an uninstall) and tells listeners. */
  async installChanged(idOrAlias: string): Promise<void> {
    const { recipe } = this.entry(idOrAlias);
    this.view.setReadiness(recipe.id, await this.deps.readiness(recipe));
    this.emit('state', this.view.state(recipe));
  }

  /** Re-reads install state and compatibility of every recipe (cheap; run at start and after installs). */
  async refresh(): Promise<void> {
    await Promise.all(
      this.deps.catalog.list().map(async ({ recipe }) => this.view.setReadiness(recipe.id, await this.deps.readiness(recipe))),
    );
  }

  /**
   * Startup: refresh, stop what a previous session that crashed left running, and, with
   * auto-start on (HELIX_LOCAL_LLM_AUTO_START), bring back the providers that were running when
   * the app last quit or was killed. Those start in the background: the app does not wait for a
   * model to load.
   */
  async initialize(options: { autoStart: boolean } = { autoStart: true }): Promise<void> {
    await this.refresh();
    await this.deps.supervisor.sweepOrphans();
    if (!options.autoStart || !this.deps.settings.values.autoStart || !this.session) return;
    const remembered = await this.session.read();
    this.session.begin(remembered);
    for (const id of remembered) {
      if (!this.deps.catalog.get(id)) continue;
      this.start(id).catch((error: unknown) => this.deps.logs.system(id, `auto-start failed: ${(error as Error).message}`));
    }
  }

  list(): ProviderSummary[] {
    return this.deps.catalog.list().map((entry) => this.view.summary(entry));
  }

  get problems(): CatalogProblem[] {
    return this.deps.catalog.problems;
  }

  detail(idOrAlias: string): ProviderDetail {
    return this.view.detail(this.entry(idOrAlias));
  }

  state(idOrAlias: string): ProviderState {
    const { recipe } = this.entry(idOrAlias);
    return this.view.state(recipe);
  }

  async start(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
    const current = this.view.state(recipe);
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
    const readiness = this.view.readiness(recipe.id);
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
    const need = modelNeedOf(recipe, override.model, this.deps.paths.models);
    if (need) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: need.message,
        hint: need.hint,
        details: { reason: 'model-needed', kind: need.kind },
      });
    }
    await this.session?.want(recipe.id);
    return this.deps.supervisor.start(recipe, {
      pinnedPort: override.port,
      model: override.model,
      contextSize: override.contextSize,
      threads: override.threads,
      parallel: override.parallel,
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
    await this.session?.unwant([recipe.id]);
    return (await this.deps.supervisor.stop(recipe.id)) ?? this.view.state(recipe);
  }

  async restart(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
    this.refuseExternal(recipe, 'restart');
    await this.deps.supervisor.stop(recipe.id, 'restarting at the user’s request');
    return this.start(recipe.id);
  }

  /** The spec's StartAllProviders: every installed provider this machine can run (those without a model keep asking for one). */
  async startAll(): Promise<ProviderState[]> {
    const candidates = this.list().filter((p) => p.compatibility.runnable && STARTABLE.includes(p.state.status) && !p.modelNeed);
    const results = await Promise.allSettled(candidates.map((p) => this.start(p.id)));
    return results.map((r, i) => (r.status === 'fulfilled' ? r.value : this.state(candidates[i]!.id)));
  }

  async stopAll(): Promise<ProviderState[]> {
    await this.session?.replace([]);
    return this.deps.supervisor.stopAll();
  }

  /** Quitting: remember what runs (for auto-start next time), then stop everything we started. */
  async dispose(options: { rememberSession: boolean } = { rememberSession: true }): Promise<void> {
    const running = this.list()
      .filter((p) => this.deps.supervisor.isActive(p.id))
      .map((p) => p.id);
    if (options.rememberSession) await this.session?.replace(running);
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
    for (const state of this.view.externalChanges(this.deps.catalog.list().map((entry) => entry.recipe))) this.emit('state', state);
  }

  private refuseExternal(recipe: ProviderRecipe, action: 'stop' | 'restart'): void {
    if (this.deps.supervisor.isActive(recipe.id)) return;
    const external = this.view.externalState(recipe.id);
    if (!external) return;
    throw new AppFailure({
      code: 'CONFLICT',
      message: `${recipe.name} at ${external.external?.baseUrl} was not started by Local LLM Manager, so it will not ${action} it.`,
      hint: `${action === 'stop' ? 'Stop' : 'Restart'} it where it was started: its app, tray icon, service or terminal.`,
    });
  }

  private entry(idOrAlias: string): CatalogEntry {
    const entry = this.deps.catalog.get(idOrAlias);
    if (!entry) throw noSuchProvider(idOrAlias, this.deps.catalog.list());
    return entry;
  }
}

/** An id that names no recipe; a typo of an id or an alias ("lamacpp", "ollma") is named by the canonical id. */
export function noSuchProvider(idOrAlias: string, entries: Array<Pick<CatalogEntry, 'recipe'>>): AppFailure {
  const recipes = entries.map((e) => e.recipe);
  const near = closestName(
    idOrAlias,
    recipes.flatMap((r) => [r.id, ...r.aliases]),
  );
  const meant = near && recipes.find((r) => r.id === near || r.aliases.includes(near))?.id;
  return new AppFailure({
    code: 'NOT_FOUND',
    message: `No provider "${idOrAlias}"${meant ? `; did you mean "${meant}"?` : '.'}`,
    hint: `Known providers: ${recipes.map((r) => r.id).join(', ')}.`,
  });
}
