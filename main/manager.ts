import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AppFailure } from '../shared/errors';
import {
  STARTABLE,
  type CatalogProblem,
  type Compatibility,
  type ProviderDetail,
  type ProviderState,
  type ProviderSummary,
} from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import type { LogService } from './services/logs';
import type { Paths } from './services/paths';
import type { SettingsService } from './services/settings';
import type { Supervisor } from './services/supervisor';

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

export interface ManagerDeps {
  catalog: RecipeSource;
  supervisor: Supervisor;
  settings: SettingsService;
  logs: LogService;
  paths: Paths;
  readiness(recipe: ProviderRecipe): Promise<Readiness>;
}

/**
 * The original spec's LocalLLMManager: one façade over catalog, supervisor and logs that the
 * contract (api.ts), the CLI and the tray all use. It knows what is installed and runnable; the
 * supervisor knows what runs.
 */
export class LocalLLMManager extends EventEmitter<{ state: [ProviderState] }> {
  private readonly ready = new Map<string, Readiness>();

  constructor(private readonly deps: ManagerDeps) {
    super();
    deps.supervisor.on('state', (state) => this.emit('state', state));
  }

  /** Re-reads install state and compatibility of every recipe (cheap; run at start and after installs). */
  async refresh(): Promise<void> {
    await Promise.all(
      this.deps.catalog.list().map(async ({ recipe }) => this.ready.set(recipe.id, await this.deps.readiness(recipe))),
    );
  }

  /**
   * Startup: refresh, stop what a previous session that crashed left running, and, with
   * auto-start on (HELIX_LOCAL_LLM_AUTO_START), bring back the providers that were running when
   * the app last quit. Those start in the background: the app does not wait for a model to load.
   */
  async initialize(): Promise<void> {
    await this.refresh();
    await this.deps.supervisor.sweepOrphans();
    if (!this.deps.settings.values.autoStart) return;
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
    const override = this.deps.settings.values.providers[recipe.id] ?? {};
    return this.deps.supervisor.start(recipe, {
      pinnedPort: override.port,
      model: override.model,
      contextSize: override.contextSize,
      threads: override.threads,
    });
  }

  async stop(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
    return (await this.deps.supervisor.stop(recipe.id)) ?? this.stateOf(recipe);
  }

  async restart(idOrAlias: string): Promise<ProviderState> {
    const { recipe } = this.entry(idOrAlias);
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
  async dispose(): Promise<void> {
    const running = this.list()
      .filter((p) => this.deps.supervisor.isActive(p.id))
      .map((p) => p.id);
    await writeSession(this.sessionFile, running).catch(() => undefined);
    await this.deps.supervisor.stopAll('stopped because the app is quitting');
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
    const live = this.deps.supervisor.state(recipe.id);
    if (live) return live;
    const installed = this.ready.get(recipe.id)?.installed ?? false;
    return {
      id: recipe.id,
      status: installed ? 'installed' : 'not-installed',
      reason: installed ? 'installed, not running' : 'not installed',
      restarts: 0,
      updatedAt: new Date(0).toISOString(),
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
      compatibility: this.ready.get(recipe.id)?.compatibility ?? { runnable: true, reasons: [], warnings: [] },
      state: this.stateOf(recipe),
    };
  }
}

async function readSession(file: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { running?: unknown };
    return Array.isArray(parsed.running) ? parsed.running.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

async function writeSession(file: string, running: string[]): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify({ running }, null, 2)}\n`, { encoding: 'utf8' });
}
