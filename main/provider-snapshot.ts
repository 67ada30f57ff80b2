import type { CatalogProblem, ProviderSummary } from '../shared/provider';
import type { BaseDir } from './host';
import { ProviderView, type LiveStates } from './provider-view';
import { readinessOf } from './readiness';
import { LogService } from './services/logs/logs';

/**
 * Every provider as a base directory shows it with no host running: installed or not, runnable
 * here or not. Nothing runs, so nothing is started, swept or written: only the view is needed,
 * none of the manager's policy.
 */
export async function providerSnapshot(base: BaseDir): Promise<{ providers: ProviderSummary[]; problems: CatalogProblem[] }> {
  const view = new ProviderView({ supervisor: NOTHING_RUNS, paths: base.paths, logs: new LogService({ dir: base.paths.logs }) });
  const readiness = readinessOf(base);
  const entries = base.catalog.list();
  await Promise.all(entries.map(async ({ recipe }) => view.setReadiness(recipe.id, await readiness(recipe))));
  return { providers: entries.map((entry) => view.summary(entry)), problems: base.catalog.problems };
}

/** A base directory opened only to read has no supervisor: nothing is active. */
const NOTHING_RUNS: LiveStates = {
  isActive: () => false,
  state: () => undefined,
  healthHistory: () => [],
};
