import type { Contract } from '../shared/contract';
import type { Handlers } from '../shared/rpc/server';
import type { AppInfo } from '../shared/system';
import type { LocalLLMManager } from './manager';
import type { LogService } from './services/logs';
import type { ModelDownloads } from './services/downloads';
import type { ModelsService } from './services/models';
import { ACTIVE } from '../shared/provider';
import type { SettingsService } from './services/settings';
import type { SystemService } from './services/system';

export interface ApiDeps {
  appInfo: AppInfo;
  settings: SettingsService;
  system: SystemService;
  manager: LocalLLMManager;
  logs: LogService;
  models: ModelsService;
  downloads: ModelDownloads;
}

/** The contract, implemented by composing services. The only place that knows them all. */
export function createApi(deps: ApiDeps): Handlers<Contract> {
  const { manager, logs } = deps;
  return {
    'app.info': () => deps.appInfo,
    'system.info': (input) => deps.system.info({ refresh: input?.refresh }),
    'settings.get': () => deps.settings.state(),
    'settings.update': (patch) => deps.settings.update(patch),
    'providers.list': () => ({ providers: manager.list(), problems: manager.problems }),
    'providers.get': ({ id }) => manager.detail(id),
    'providers.start': ({ id }) => manager.start(id),
    'providers.stop': ({ id }) => manager.stop(id),
    'providers.restart': ({ id }) => manager.restart(id),
    'providers.startAll': () => manager.startAll(),
    'providers.stopAll': () => manager.stopAll(),
    'logs.tail': ({ id, limit, before }) => {
      const canonical = manager.state(id).id;
      return { lines: logs.tail(canonical, limit, before), file: logs.fileOf(canonical) };
    },
    'logs.search': ({ id, query, regex, caseSensitive, limit }) =>
      logs.search(manager.state(id).id, { text: query, regex, caseSensitive, limit }),
    'models.list': async () => ({ dir: deps.models.dir, models: await deps.models.list() }),
    'models.delete': async ({ file }) => {
      await deps.models.delete(file, (id) => ACTIVE.includes(manager.state(id).status));
      return { dir: deps.models.dir, models: await deps.models.list() };
    },
    'downloads.list': () => deps.downloads.list(),
    'downloads.start': (request) => deps.downloads.start(request),
    'downloads.cancel': ({ id }) => deps.downloads.cancel(id),
    'downloads.resume': ({ id }) => deps.downloads.resume(id),
    'downloads.remove': ({ id }) => deps.downloads.remove(id),
  };
}
