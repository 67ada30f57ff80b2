import { ON_DEMAND_PROVIDERS, runningModels, type OnDemandProvider } from '../../../shared/on-demand';
import { useOnDemandModels } from '../../api/gateway-hooks';
import { hashFor } from '../../state/ui';

const runsOnDemand = (id: string): id is OnDemandProvider => (ON_DEMAND_PROVIDERS as readonly string[]).includes(id);

/**
 * Models the gateway loaded on demand with this provider. Each runs as a process of its own, so
 * the tile's own state ("installed, not running") would otherwise hide that it is at work.
 */
export function OnDemandNote({ providerId }: { providerId: string }) {
  if (!runsOnDemand(providerId)) return null;
  return <LoadedHere providerId={providerId} />;
}

function LoadedHere({ providerId }: { providerId: OnDemandProvider }) {
  const { data } = useOnDemandModels();
  const loaded = runningModels(data?.models).filter((m) => m.provider === providerId);
  if (loaded.length === 0) return null;
  return (
    <div className="on-demand-note" data-testid="provider-on-demand">
      <p>
        Loaded on demand by the <a href={hashFor('gateway')}>gateway</a>:
      </p>
      <ul>
        {loaded.map((m) => (
          <li key={m.id} data-testid={`provider-on-demand-${m.id}`} data-state={m.state}>
            <span className="mono">{m.id}</span> {m.state}
            {m.port !== undefined && <> · port {m.port}</>}
            {m.pid !== undefined && <> · PID {m.pid}</>} · <a href={hashFor('logs', m.instanceId)}>log</a>
          </li>
        ))}
      </ul>
    </div>
  );
}
