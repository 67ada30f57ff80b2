import path from 'node:path';
import type { DiscoveredServer } from '../shared/discovery';
import type { InstallRun } from '../shared/install';
import {
  STARTABLE,
  type CatalogProblem,
  type Compatibility,
  type HealthSample,
  type ModelNeed,
  type ProviderDetail,
  type ProviderState,
  type ProviderSummary,
} from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import type { Paths } from './services/base-dir/paths';

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

export interface ExternalFinder {
  externalFor(recipeId: string): { server: DiscoveredServer; others: number } | undefined;
  results(): { scannedAt?: string };
}

/** What the view reads of the supervisor: what runs now and how its health went. */
export interface LiveStates {
  isActive(id: string): boolean;
  state(id: string): ProviderState | undefined;
  healthHistory(id: string): HealthSample[];
}

export interface ProviderViewDeps {
  supervisor: LiveStates;
  paths: Paths;
  logs: { fileOf(id: string): string };
  /** Servers discovery found running that this app did not start. */
  external?: ExternalFinder;
  /** Install runs, shown as `installing` while they go on. */
  installs?: { get(id: string): InstallRun | undefined };
  /** Whether Start would fail for want of a model (model-need.ts). */
  modelNeed?: (recipe: ProviderRecipe) => ModelNeed | undefined;
}

/**
 * How a provider looks to a client: the one state its tile shows (an install going on, what the
 * supervisor runs, a server found running outside the app, or installed / not installed as last
 * read), its summary and its detail. Pure projection: it decides nothing and starts nothing.
 */
export class ProviderView {
  private readonly ready = new Map<string, Readiness>();
  private readonly readAt = new Map<string, string>();
  /** What each tile last showed of discovery, to send a state event only when that changes. */
  private readonly externalShown = new Map<string, string>();

  constructor(private readonly deps: ProviderViewDeps) {}

  /** A fresh read of a provider's install state and compatibility, stamped now. */
  setReadiness(id: string, readiness: Readiness): void {
    this.ready.set(id, readiness);
    this.readAt.set(id, new Date().toISOString());
  }

  /** The last read, if any (before the first read a provider counts as runnable, not installed). */
  readiness(id: string): Readiness | undefined {
    return this.ready.get(id);
  }

  /** The state a tile shows after the supervisor reported one: a provider we stopped may still run outside the app. */
  afterSupervisorState(state: ProviderState): ProviderState {
    return this.deps.supervisor.isActive(state.id) ? state : (this.externalState(state.id) ?? state);
  }

  state(recipe: ProviderRecipe): ProviderState {
    const install = this.deps.installs?.get(recipe.id);
    if (install && (install.status === 'queued' || install.status === 'running')) {
      const step = install.steps[install.current];
      return {
        id: recipe.id,
        status: 'installing',
        reason:
          install.status === 'queued'
            ? `${install.action} queued`
            : `${install.action}: step ${install.current + 1} of ${install.steps.length}: ${step?.title ?? ''}`,
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

  summary({ recipe, origin }: CatalogEntry): ProviderSummary {
    const state = this.state(recipe);
    // Only where Start is offered: a running provider has its model, an uninstalled one is not there yet.
    const modelNeed = STARTABLE.includes(state.status) ? this.deps.modelNeed?.(recipe) : undefined;
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
      ...(modelNeed ? { modelNeed } : {}),
      state,
    };
  }

  detail(entry: CatalogEntry): ProviderDetail {
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

  /**
   * Discovery's findings changed: the state of every tile whose external server appeared, changed
   * or went (tiles of providers we run are ours, whatever discovery sees).
   */
  externalChanges(recipes: ProviderRecipe[]): ProviderState[] {
    const changed: ProviderState[] = [];
    for (const recipe of recipes) {
      if (this.deps.supervisor.isActive(recipe.id)) continue;
      const external = this.externalState(recipe.id);
      const shown = external ? JSON.stringify({ ...external, updatedAt: undefined, health: external.health?.ok }) : '';
      if (shown === (this.externalShown.get(recipe.id) ?? '')) continue;
      this.externalShown.set(recipe.id, shown);
      // Stamped now: the state it falls back to may be older than the external one the UI holds.
      changed.push({ ...(external ?? this.state(recipe)), updatedAt: new Date().toISOString() });
    }
    return changed;
  }

  /** The tile of a provider found running outside the app, when discovery found one. */
  externalState(id: string): ProviderState | undefined {
    const found = this.deps.external?.externalFor(id);
    if (!found) return undefined;
    const { server, others } = found;
    const what = server.version ? `version ${server.version} ` : '';
    const locked = !server.locked
      ? ''
      : server.locked.keyRefused
        ? `; locked: the key was refused (${server.locked.status})`
        : `; locked (${server.locked.status}): it needs an API key`;
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
        ...(server.locked?.keyRefused ? { keyRefused: true } : {}),
        ...(server.withKey ? { withKey: true } : {}),
        ...(server.confidence ? { confidence: server.confidence } : {}),
        evidence: server.evidence,
        ...(server.command ? { command: server.command } : {}),
        others,
      },
      updatedAt: this.deps.external?.results().scannedAt ?? new Date().toISOString(),
    };
  }
}
