import type { Contract } from '../shared/contract';
import type { Handlers } from '../shared/rpc/server';
import type { AppInfo } from '../shared/system';
import type { LocalLLMManager } from './manager';
import type { LogService } from './services/logs';
import type { ModelsService } from './services/models';
import type { SettingsService } from './services/settings';
import type { SystemService } from './services/system';

export interface ApiDeps {
  appInfo: AppInfo;
  settings: SettingsService;
  system: SystemService;
  manager: LocalLLMManager;
  logs: LogService;
  models: ModelsService;
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
  };
}
