import path from 'node:path';
import { GATEWAY_DEFAULTS } from '../shared/gateway';
import { ON_DEMAND_DEFAULTS, type OnDemandProvider, type OnDemandSettings } from '../shared/on-demand';
import type { ProviderState } from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import { BUILT_IN_DEFAULTS, type Settings } from '../shared/settings';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { ensureLayout, pathsFor } from '../main/services/base-dir/paths';
import { GatewayService } from '../main/services/gateway/gateway-service';
import { MergedUpstreams } from '../main/services/gateway/upstreams';
import { LogService } from '../main/services/logs/logs';
import { ModelsService } from '../main/services/models/models';
import { OnDemandLoader, type OnDemandLoaderDeps } from '../main/services/on-demand/on-demand-loader';
import { expandPlaceholders } from '../main/services/supervision/placeholders';
import { Supervisor } from '../main/services/supervision/supervisor';
import { tempDir } from './temp-dir';

export interface OnDemandFixtureOptions {
  /** Tiny GGUFs written into models/. */
  models: string[];
  /** The provider that runs models on demand, and its recipe. */
  provider: { id: OnDemandProvider; recipe: ProviderRecipe };
  onDemand?: Partial<OnDemandSettings>;
  /** Overrides of the app settings the supervisor reads (timeouts, health interval). */
  settings?: Partial<Settings>;
  /** The built engine's entry, when the provider is the engine. */
  engineEntry?: string;
  /** The loader's own options beyond what the fixture wires (busy wait, tuning, the free memory it sees). */
  loader?: Pick<OnDemandLoaderDeps, 'busyWaitMs' | 'tuning' | 'freeMemoryBytes'>;
}

/**
 * Load on demand as the host wires it, on a fresh base directory: a real supervisor starting real
 * processes, the loader as the gateway's only upstream source, and the gateway on a free port.
 * Everything is stopped by `cleanup`.
 */
export async function startOnDemandGateway(options: OnDemandFixtureOptions) {
  const paths = pathsFor(path.join(await tempDir('llm-on-demand-'), 'base'));
  await ensureLayout(paths);
  for (const name of options.models) writeTinyGguf(path.join(paths.models, name));
  const settings: Settings = { ...BUILT_IN_DEFAULTS, startupTimeoutSec: 15, healthIntervalSec: 1, stopGraceSec: 2, ...options.settings };
  let current: OnDemandSettings = { ...ON_DEMAND_DEFAULTS, provider: options.provider.id, ...options.onDemand };
  const logs = new LogService({ dir: paths.logs, flushMs: 20 });
  const supervisor = new Supervisor({
    paths,
    logs,
    settings: () => settings,
    expand: expandPlaceholders,
    ...(options.engineEntry ? { engineEntry: options.engineEntry } : {}),
  });
  const states: ProviderState[] = [];
  supervisor.on('state', (s) => states.push(s));
  const models = new ModelsService(paths.models, () => ({}));
  const loader = new OnDemandLoader({
    settings: () => current,
    models: () => models.list(),
    runtime: supervisor,
    provider: (id) => (id === options.provider.id ? options.provider.recipe : undefined),
    ...options.loader,
  });
  const gateway = new GatewayService({ upstreams: new MergedUpstreams([loader]), onDemand: loader });
  const cleanup = async () => {
    await gateway.close();
    loader.close();
    await supervisor.stopAll();
    await logs.close();
  };
  try {
    const url = (await gateway.apply({ ...GATEWAY_DEFAULTS, port: 0 })).url!;
    /** Changes the on-demand settings as a settings save does. */
    const change = (patch: Partial<OnDemandSettings>) => {
      current = { ...current, ...patch };
      loader.settingsChanged();
    };
    /** The processes started: one per distinct PID any instance ever had. */
    const pids = () => [...new Set(states.filter((s) => s.pid).map((s) => s.pid!))];
    return { paths, loader, gateway, supervisor, url, states, pids, change, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
