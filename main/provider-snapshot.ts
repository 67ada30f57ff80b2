import type { CatalogProblem, ProviderSummary } from '../shared/provider';
import { AppFailure } from '../shared/errors';
import type { BaseDir } from './host';
import { LocalLLMManager, type ProviderRuntime } from './manager';
import { readinessOf } from './readiness';
import { LogService } from './services/logs';

/**
 * Every provider as a base directory shows it with no host running: installed or not, runnable
 * here or not. Nothing runs, so nothing is started, swept or written.
 */
export async function providerSnapshot(base: BaseDir): Promise<{ providers: ProviderSummary[]; problems: CatalogProblem[] }> {
  const manager = new LocalLLMManager({
    catalog: base.catalog,
    supervisor: NO_RUNTIME,
    settings: base.settings,
    logs: new LogService({ dir: base.paths.logs }),
    paths: base.paths,
    readiness: readinessOf(base),
  });
  await manager.refresh();
  return { providers: manager.list(), problems: manager.problems };
}

const noHost = () =>
  Promise.reject(
    new AppFailure({
      code: 'NOT_FOUND',
      message: 'No Local LLM Manager host is running for this base directory.',
      hint: 'Start one with "local-llm-manager serve" (or the desktop app), then try again.',
    }),
  );

/** The runtime of a base directory opened only to read: nothing is active, and nothing can start. */
const NO_RUNTIME: ProviderRuntime = {
  on: () => undefined,
  isActive: () => false,
  state: () => undefined,
  healthHistory: () => [],
  start: noHost,
  stop: noHost,
  stopAll: async () => [],
  sweepOrphans: async () => [],
};
