import type { Contract } from '../shared/contract';
import type { Handlers } from '../shared/rpc/server';
import type { AppInfo } from '../shared/system';
import type { ProviderManager } from './manager';
import { cleanup } from './services/installer/cleanup';
import type { Installer } from './services/installer/installer';
import type { Paths } from './services/base-dir/paths';
import { installLogId } from '../shared/install';
import { INSTANCE_ID_PATTERN } from '../shared/ids';
import type { DiscoveryService } from './services/discovery/discovery';
import { addEndpoint, removeEndpoint } from './services/discovery/saved-endpoints';
import { GatewayService } from './services/gateway/gateway-service';
import type { OnDemandLoader } from './services/on-demand/on-demand-loader';
import type { LogService } from './services/logs/logs';
import type { ModelDownloads } from './services/models/downloads';
import type { HubService } from './services/models/hub-service';
import type { ModelsService } from './services/models/models';
import type { ResourceMonitor } from './services/resources/resource-monitor';
import type { AlertRules } from './services/resources/alert-rules';
import type { Subscriptions } from '../shared/rpc/subscriptions';
import { ACTIVE } from '../shared/provider';
import type { SettingsService } from './services/settings/settings';
import type { SystemService } from './services/system/system';
import { checkSystem } from './services/system/system-check';
import type { ProviderRecipe } from '../shared/recipe';
import type { RecipeCommands } from '../shared/recipe-commands';
import type { KeyTarget } from '../shared/upstream-keys';
import type { UpstreamKeys } from './services/secrets/upstream-keys';
import type { ChatStore } from './services/chats/chat-store';
import type { BackupService } from './services/backup/backup-service';
import type { DiagnosticsService } from './services/diagnostics/diagnostics-service';
import { exportHelixCode } from './services/helixcode/helixcode-export';

export interface ApiDeps {
  appInfo: AppInfo;
  settings: SettingsService;
  system: SystemService;
  /** The catalog's recipes, for the system check's per-recipe verdicts. */
  recipes: () => readonly ProviderRecipe[];
  manager: ProviderManager;
  installer: Installer;
  paths: Paths;
  logs: LogService;
  models: ModelsService;
  downloads: ModelDownloads;
  /** The Hugging Face hub (search, files, pull into the downloads). */
  hub: HubService;
  gateway: GatewayService;
  /** Models the gateway loads on demand. */
  onDemand: OnDemandLoader;
  discovery: DiscoveryService;
  resources: ResourceMonitor;
  /** The alerts in effect. */
  alerts: Pick<AlertRules, 'active'>;
  /** Who receives which keyed events (logs.lines of one log, resources.sample); the RPC server's. */
  subscriptions: Subscriptions;
  /** API keys for locked servers. */
  keys: UpstreamKeys;
  /** The Chat page's conversations. */
  chats: ChatStore;
  /** Saves a custom recipe into config/providers.d and reloads the catalog (providers.define). */
  defineRecipe(recipe: Record<string, unknown>): Promise<RecipeCommands>;
  /** Probes what a key belongs to again (a discovery scan; a provider we run lists its models again). */
  reprobe(target: KeyTarget): Promise<void>;
  /** Backup and restore of config/. */
  backups: BackupService;
  /** Diagnostics for a bug report. */
  diagnostics: DiagnosticsService;
}

/**
 * A client renews its resource-sample lease while its page is open; one that vanished without
 * saying so (a closed tab whose connection lingers) lapses by itself.
 */
export const RESOURCE_LEASE_MS = 15_000;

/** The contract, implemented by composing services. The only place that knows them all. */
export function createApi(deps: ApiDeps): Handlers<Contract> {
  const { manager, logs } = deps;
  // A provider's own log, or its install log (`<id>-install`); an unknown id fails as the provider would.
  const logIdOf = (id: string) => {
    // A model loaded on demand logs under its instance id, which no catalog entry has.
    if (INSTANCE_ID_PATTERN.test(id)) return id;
    try {
      return manager.state(id).id;
    } catch (error) {
      if (!id.endsWith('-install')) throw error;
      return installLogId(manager.state(id.slice(0, -'-install'.length)).id);
    }
  };
  return {
    'app.info': () => deps.appInfo,
    'system.info': (input) => deps.system.info({ refresh: input?.refresh }),
    'system.check': async (input) => {
      const check = await checkSystem(deps.system, deps.recipes(), { refresh: input?.refresh });
      // A tool installed since start changes what the tiles offer: they follow the fresh look.
      if (input?.refresh) await manager.refresh();
      return check;
    },
    'settings.get': () => deps.settings.state(),
    'settings.update': (patch) => deps.settings.update(patch),
    'providers.list': () => ({ providers: manager.list(), problems: manager.problems }),
    'providers.get': ({ id }) => manager.detail(id),
    'providers.start': ({ id }) => manager.start(id),
    'providers.commands': ({ id }) => manager.commands(id),
    'providers.trust': ({ id, hash }) => manager.confirmCommands(id, hash),
    'providers.stop': ({ id }) => manager.stop(id),
    'providers.restart': ({ id }) => manager.restart(id),
    'providers.startAll': () => manager.startAll(),
    'providers.stopAll': () => manager.stopAll(),
    'providers.define': ({ recipe }) => deps.defineRecipe(recipe),
    'install.list': () => deps.installer.list(),
    'install.start': async ({ ids }) => {
      // A custom recipe's commands run only once confirmed (manager.requireTrusted), here as at start.
      for (const id of ids) await manager.requireTrusted(id);
      return deps.installer.install(ids.map((id) => manager.state(id).id));
    },
    'install.cancel': ({ id }) => deps.installer.cancel(manager.state(id).id),
    'install.resume': async ({ id }) => {
      await manager.requireTrusted(id);
      return deps.installer.resume(manager.state(id).id);
    },
    'install.rollback': ({ id }) => deps.installer.rollback(manager.state(id).id),
    'install.update': async ({ id }) => {
      await manager.requireTrusted(id);
      return deps.installer.update(manager.state(id).id);
    },
    'install.uninstall': async ({ id, keepConfig }) => {
      const result = await deps.installer.uninstall(manager.state(id).id, { keepConfig });
      await manager.installChanged(id);
      return result;
    },
    'install.cleanup': () =>
      cleanup(deps.paths, deps.recipes().slice(), (id) => {
        const status = deps.installer.get(id)?.status;
        return status === 'queued' || status === 'running' || status === 'interrupted';
      }),
    'logs.tail': ({ id, limit, before }) => {
      const canonical = logIdOf(id);
      return { lines: logs.tail(canonical, limit, before), file: logs.fileOf(canonical) };
    },
    'logs.search': ({ id, query, regex, caseSensitive, limit }) => logs.search(logIdOf(id), { text: query, regex, caseSensitive, limit }),
    'logs.watch': ({ id }, ctx) => {
      const canonical = logIdOf(id);
      deps.subscriptions.add(ctx.connectionId, 'logs.lines', canonical);
      return { id: canonical, watching: true as const };
    },
    'logs.unwatch': ({ id }, ctx) => {
      // A provider since removed from the catalog can still be unwatched under the id it had.
      let canonical = id;
      try {
        canonical = logIdOf(id);
      } catch {
        // keep the id as given
      }
      deps.subscriptions.remove(ctx.connectionId, 'logs.lines', canonical);
      return { id: canonical, watching: false as const };
    },
    'models.list': async () => ({ dir: deps.models.dir, models: await deps.models.list() }),
    'models.delete': async ({ file }) => {
      await deps.models.delete(
        file,
        (id) => ACTIVE.includes(manager.state(id).status),
        (model) => deps.onDemand.unloadFile(model.path),
      );
      return { dir: deps.models.dir, models: await deps.models.list() };
    },
    'downloads.list': () => deps.downloads.list(),
    'downloads.start': (request) => deps.downloads.start(request),
    'hub.search': ({ query, sort, limit }) => deps.hub.search(query, { sort, limit }),
    'hub.files': ({ repo, revision }) => deps.hub.files(repo, revision),
    'hub.starters': () => deps.hub.starters(),
    'hub.pull': ({ repo, pick, revision }) => deps.hub.pull(repo, pick, revision),
    'downloads.cancel': ({ id }) => deps.downloads.cancel(id),
    'downloads.resume': ({ id }) => deps.downloads.resume(id),
    'downloads.remove': ({ id }) => deps.downloads.remove(id),
    'gateway.status': () => deps.gateway.status(),
    'gateway.stats': () => deps.gateway.statsSnapshot(),
    'gateway.update': async (patch) => {
      // Merged inside the settings queue, against the latest values: two pages changing the
      // gateway at once both keep their change.
      const { values } = await deps.settings.edit((current) => ({ gateway: GatewayService.merge(current.gateway, patch) }));
      return deps.gateway.apply(values.gateway);
    },
    'gateway.try': (request) => deps.gateway.tryChat(request),
    'gateway.tryCancel': ({ id }) => ({ cancelled: deps.gateway.cancelTry(id) }),
    'gateway.models': () => deps.onDemand.freshStatus(),
    'gateway.unload': ({ model }) => deps.onDemand.unload(model),
    'discovery.results': () => deps.discovery.results(),
    'discovery.scan': () => deps.discovery.scan({ fresh: true }),
    'discovery.addEndpoint': async ({ endpoint }) => {
      await addEndpoint(deps.settings, endpoint);
      return deps.discovery.scan({ fresh: true });
    },
    'discovery.removeEndpoint': async ({ endpoint }) => {
      await removeEndpoint(deps.settings, endpoint);
      return deps.discovery.scan({ fresh: true });
    },
    'chats.list': () => deps.chats.list(),
    'chats.get': ({ id }) => deps.chats.get(id),
    'chats.search': ({ query }) => deps.chats.search(query),
    'chats.put': (change) => deps.chats.put(change),
    'chats.rename': ({ id, title }) => deps.chats.rename(id, title),
    'chats.branch': ({ id, turns }) => deps.chats.branch(id, turns),
    'chats.delete': ({ id }) => deps.chats.delete(id),
    'keys.status': () => deps.keys.status(),
    'keys.set': async ({ key, ...given }) => {
      // An unknown provider is refused here; an alias (koboldai) saves under its recipe's id.
      const target: KeyTarget = 'provider' in given ? { provider: manager.state(given.provider).id } : { endpoint: given.endpoint };
      await deps.keys.set(target, key);
      await deps.reprobe(target);
      return deps.keys.status();
    },
    'keys.remove': async (target) => {
      await deps.keys.remove(target);
      await deps.reprobe(target);
      return deps.keys.status();
    },
    'resources.watch': (_input, ctx) => {
      deps.subscriptions.add(ctx.connectionId, 'resources.sample', '', { leaseMs: RESOURCE_LEASE_MS });
      return { leaseMs: RESOURCE_LEASE_MS, intervalMs: deps.resources.currentIntervalMs };
    },
    'resources.unwatch': (_input, ctx) => {
      deps.subscriptions.remove(ctx.connectionId, 'resources.sample');
      return { watching: false as const };
    },
    'resources.history': ({ range }) => deps.resources.history(range),
    'alerts.active': () => ({ alerts: deps.alerts.active() }),
    'diagnostics.create': (input) => deps.diagnostics.create({ file: input?.file }),
    'backup.create': (input) => deps.backups.create({ file: input?.file, include: input?.include }),
    'backup.inspect': (source) => deps.backups.inspect(source),
    'backup.restore': async ({ reinstall, ...source }) => {
      const result = await deps.backups.restore(source);
      if (!reinstall || result.toInstall.length === 0) return result;
      // A custom recipe installs only once confirmed, as with install.start; one not confirmed stays listed in toInstall.
      const ids: string[] = [];
      for (const id of result.toInstall) {
        try {
          await manager.requireTrusted(id);
          ids.push(manager.state(id).id);
        } catch {
          // left for the user to confirm and install
        }
      }
      const runs = ids.length > 0 ? await deps.installer.install(ids) : [];
      return { ...result, installing: runs.map((run) => run.providerId) };
    },
    'export.helixcode': (input) =>
      exportHelixCode({ providers: manager.list(), gateway: deps.gateway.status(), file: input?.file, write: input?.write }),
  };
}
