import path from 'node:path';
import type { ProviderRecipe } from '../shared/recipe';
import type { Readiness } from './manager';
import { checkCompatibility } from './services/system/compatibility';
import { isInstalled } from './services/installer/install-state';
import type { Paths } from './services/base-dir/paths';
import type { SystemService } from './services/system/system';

/** Installed? Runnable on this machine? Read from disk and the machine: changes nothing. */
export function readinessOf(deps: {
  paths: Paths;
  system: SystemService;
  env: NodeJS.ProcessEnv;
}): (recipe: ProviderRecipe) => Promise<Readiness> {
  return async (recipe) => ({
    installed: await isInstalled(recipe, { dataDir: path.join(deps.paths.data, recipe.id), env: deps.env }),
    compatibility: checkCompatibility(recipe, await deps.system.machine()),
  });
}
