import { runningModels } from '../../../shared/on-demand';
import type { ProviderSummary } from '../../../shared/provider';
import { useOnDemandModels } from '../../api/gateway-hooks';
import type { ProviderUsage } from '../../../shared/resources';
import { hashFor } from '../../state/ui';
import { StatusBadge } from '../../components/StatusBadge';
import { bytes } from '../../format/chart';

/** What each running provider costs now: its whole process tree, workers included. */
export function ProviderUsageTable({ usage, providers }: { usage: ProviderUsage[]; providers: ProviderSummary[] }) {
  const nameOf = (id: string) => providers.find((p) => p.id === id);
  const onDemand = runningModels(useOnDemandModels().data?.models);
  return (
    <section className="card resources-providers" aria-labelledby="resources-providers-title">
      <header className="card-header">
        <h2 id="resources-providers-title">Providers</h2>
        <span className="card-meta">process tree totals · CPU as % of one core</span>
      </header>
      {usage.length === 0 ? (
        <p className="muted" data-testid="resources-no-providers">
          No provider is running.
        </p>
      ) : (
        <table className="table resources-table" data-testid="resources-providers">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Status</th>
              <th className="num">CPU</th>
              <th className="num">RAM</th>
              <th className="num">VRAM</th>
              <th className="num">Processes</th>
            </tr>
          </thead>
          <tbody>
            {usage.map((u) => {
              const provider = nameOf(u.id);
              return (
                <tr key={u.id} data-testid={`resources-provider-${u.id}`} data-rss={Math.round(u.rssBytes)}>
                  <td>
                    {/* A model loaded on demand (engine~<model>) has no tile: its log is what there is to open. */}
                    {provider ? (
                      <a href={hashFor('providers', u.id)}>{provider.name}</a>
                    ) : (
                      <a className="mono" href={hashFor('logs', u.id)} title="Its log">
                        {u.id}
                      </a>
                    )}
                  </td>
                  <td>
                    {provider ? (
                      <StatusBadge status={provider.state.status} />
                    ) : (
                      <OnDemandState state={onDemand.find((m) => m.instanceId === u.id)?.state} />
                    )}
                  </td>
                  <td className="num mono" data-testid="usage-cpu">
                    {u.cpuPercent.toFixed(1)}%
                  </td>
                  <td className="num mono" data-testid="usage-rss">
                    {bytes(u.rssBytes)}
                  </td>
                  <td className="num mono" data-testid="usage-vram">
                    {bytes(u.vramBytes)}
                  </td>
                  <td className="num mono">{u.processes}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The state of a model the gateway loaded on demand, as the Gateway page words it. */
function OnDemandState({ state }: { state?: string }) {
  return (
    <a className="muted" href={hashFor('gateway')} data-testid="usage-on-demand">
      {state ? `${state}, on demand` : 'on demand'}
    </a>
  );
}
