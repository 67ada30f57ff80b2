import type { CatalogProblem, ProviderState, ProviderSummary } from '../shared/provider';
import type { BaseDir } from './host';
import { ProviderView, type LiveStates } from './provider-view';
import { readinessOf } from './readiness';
import { RememberedSession, sessionFileOf } from './remembered-session';
import { LogService } from './services/logs/logs';
import { runRecordsOf, type LeftRunning } from './services/supervision/run-records';

/**
 * Every provider as a base directory shows it with no host running: installed or not, runnable
 * here or not, or still running where a host that was killed left it. Nothing is started, swept
 * or written: only the view is needed, none of the manager's policy.
 */
export async function providerSnapshot(base: BaseDir): Promise<{ providers: ProviderSummary[]; problems: CatalogProblem[] }> {
  const left = await runRecordsOf(base.paths).leftRunning();
  const view = new ProviderView({ supervisor: leftBehind(left), paths: base.paths, logs: new LogService({ dir: base.paths.logs }) });
  const readiness = readinessOf(base);
  const entries = base.catalog.list();
  await Promise.all(entries.map(async ({ recipe }) => view.setReadiness(recipe.id, await readiness(recipe))));
  const comesBack = base.settings.values.autoStart ? new Set(await new RememberedSession(sessionFileOf(base.paths)).read()) : new Set();
  const providers = entries.map((entry) => {
    const summary = view.summary(entry);
    if (!comesBack.has(summary.id) || summary.state.status === 'running') return summary;
    const note = `starts with the next host (it ran when the last one quit; "local-llm-manager stop ${summary.id}" leaves it out)`;
    return { ...summary, state: { ...summary.state, reason: summary.state.reason ? `${summary.state.reason}; ${note}` : note } };
  });
  return { providers, problems: base.catalog.problems };
}

/**
 * A base directory opened only to read has no supervisor: what runs is only what a host that
 * ended without stopping it left, shown running (it may well still serve) with how to stop it.
 */
function leftBehind(left: LeftRunning[]): LiveStates {
  const states = new Map<string, ProviderState>();
  const now = new Date().toISOString();
  for (const { providerId, processes, port } of left) {
    const pids = Object.fromEntries(processes.map((p) => [p.name, p.pid]));
    states.set(providerId, {
      id: providerId,
      status: 'running',
      reason: `left running by a host that ended without stopping it: "local-llm-manager stop ${providerId}" stops it (the next host to start stops it first)`,
      ...(port !== undefined ? { port } : {}),
      pid: processes.at(-1)!.pid,
      pids,
      restarts: 0,
      updatedAt: now,
    });
  }
  return { isActive: (id) => states.has(id), state: (id) => states.get(id), healthHistory: () => [] };
}
