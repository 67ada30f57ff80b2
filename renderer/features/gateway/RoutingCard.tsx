import type { GatewayRouteTarget, GatewayStats, GatewayStatus } from '../../../shared/gateway';
import { useUpdateGateway } from '../../api/gateway-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StrategySelect } from './StrategySelect';

/** Model → the providers serving it, with their live state, and how the gateway chooses among them. */
export function RoutingCard({ status, stats }: { status: GatewayStatus; stats?: GatewayStats }) {
  const update = useUpdateGateway();
  const providers = [...new Set(status.routes.flatMap((r) => r.targets.map((t) => t.providerId)))];
  const order = [...status.priority.filter((id) => providers.includes(id)), ...providers.filter((id) => !status.priority.includes(id))];
  const usesPriority = status.strategy === 'priority' || Object.values(status.modelStrategies).includes('priority');
  const coolingUntil = (providerId: string) => stats?.upstreams.find((s) => s.providerId === providerId)?.coolingDownUntil;

  const moveUp = (index: number) => {
    const next = [...order];
    [next[index - 1], next[index]] = [next[index]!, next[index - 1]!];
    update.mutate({ priority: next });
  };

  return (
    <div className="card gateway-routing" data-testid="gateway-routing">
      <div className="card-header">
        <h2>Routing</h2>
        <label className="gateway-strategy">
          <span className="muted">Strategy</span>
          <StrategySelect
            id="gateway-strategy"
            label="Default strategy"
            value={status.strategy}
            disabled={update.isPending}
            onChange={(strategy) => strategy && update.mutate({ strategy })}
          />
        </label>
      </div>
      {status.routes.length === 0 ? (
        <p className="muted" data-testid="routes-empty">
          No provider is serving a model yet. Start one on the Providers page; its models appear here as soon as it is healthy.
        </p>
      ) : (
        <table className="table gateway-routes" data-testid="gateway-routes">
          <thead>
            <tr>
              <th>Model</th>
              <th>Providers</th>
              <th>Strategy</th>
            </tr>
          </thead>
          <tbody>
            {status.routes.map((route) => (
              <tr key={route.model} data-testid={`route-row-${route.model}`}>
                <td className="mono">{route.model}</td>
                <td>
                  <div className="gateway-targets">
                    {route.targets.map((target) => (
                      <TargetChip
                        key={target.providerId}
                        model={route.model}
                        target={target}
                        coolingUntil={coolingUntil(target.providerId)}
                      />
                    ))}
                  </div>
                </td>
                <td>
                  <StrategySelect
                    id={`route-strategy-${route.model}`}
                    label={`Strategy for ${route.model}`}
                    value={status.modelStrategies[route.model] ?? null}
                    inherit={status.strategy}
                    disabled={update.isPending}
                    onChange={(strategy) => update.mutate({ modelStrategy: { model: route.model, strategy } })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {usesPriority && order.length > 1 && (
        <div className="gateway-priority" data-testid="gateway-priority">
          <span className="fact-label">Priority order</span>
          <ol>
            {order.map((id, index) => (
              <li key={id}>
                <span className="mono">{id}</span>
                {index > 0 && (
                  <button
                    type="button"
                    className="button button-ghost button-small"
                    aria-label={`Move ${id} up`}
                    disabled={update.isPending}
                    onClick={() => moveUp(index)}
                  >
                    ↑
                  </button>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
      {update.isError && <ErrorNotice error={update.error} title="Could not change the routing" />}
    </div>
  );
}

function TargetChip({ model, target, coolingUntil }: { model: string; target: GatewayRouteTarget; coolingUntil?: string }) {
  const cooling =
    target.healthy &&
    (coolingUntil ?? target.coolingDownUntil) !== undefined &&
    Date.parse((coolingUntil ?? target.coolingDownUntil)!) > Date.now();
  const tone = !target.healthy ? 'bad' : cooling ? 'warn' : 'ok';
  const words = !target.healthy ? target.state : cooling ? 'cooling down' : target.state;
  return (
    <span
      className={`status-badge tone-${tone}`}
      data-testid={`route-target-${model}-${target.providerId}`}
      data-state={cooling ? 'cooling' : target.state}
      title={target.baseUrl}
    >
      <span className="status-badge-dot" aria-hidden="true" />
      {target.providerId} · {words}
    </span>
  );
}
