import type { ProviderSummary } from '../../../shared/provider';
import type { ProviderUsage } from '../../../shared/resources';
import { hashFor } from '../../state/ui';
import { StatusBadge } from '../../components/StatusBadge';
import { bytes } from '../../format/chart';

/** What each running provider costs now: its whole process tree, workers included. */
export function ProviderUsageTable({ usage, providers }: { usage: ProviderUsage[]; providers: ProviderSummary[] }) {
  const nameOf = (id: string) => providers.find((p) => p.id === id);
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
                    {/* A model loaded on demand (engine~<model>) has no tile to link to: the Gateway page shows it. */}
                    {provider ? <a href={hashFor('providers', u.id)}>{provider.name}</a> : <span className="mono">{u.id}</span>}
                  </td>
                  <td>{provider && <StatusBadge status={provider.state.status} />}</td>
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
