import type { Contract } from '../shared/contract';
import type { Handlers } from '../shared/rpc/server';
import type { AppInfo } from '../shared/system';
import type { SettingsService } from './services/settings';
import type { SystemService } from './services/system';

export interface ApiDeps {
  appInfo: AppInfo;
  settings: SettingsService;
  system: SystemService;
}

/** The contract, implemented by composing services. The only place that knows them all. */
export function createApi(deps: ApiDeps): Handlers<Contract> {
  return {
    'app.info': () => deps.appInfo,
    'system.info': (input) => deps.system.info({ refresh: input?.refresh }),
    'settings.get': () => deps.settings.state(),
    'settings.update': (patch) => deps.settings.update(patch),
  };
}
