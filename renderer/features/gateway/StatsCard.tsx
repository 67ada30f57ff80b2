import type { GatewayStats } from '../../../shared/gateway';

const ms = (value?: number) => (value === undefined ? '—' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);

/** Live per-provider numbers, as the gateway measures them. */
export function StatsCard({ stats }: { stats?: GatewayStats }) {
  const rows = stats?.upstreams ?? [];
  return (
    <div className="card gateway-stats" data-testid="gateway-stats">
      <div className="card-header">
        <h2>Traffic</h2>
        <span className="card-meta">latency over the recent requests; first byte as a moving average</span>
      </div>
      {rows.length === 0 ? (
        <p className="muted">No provider behind the gateway yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Requests</th>
              <th>Errors</th>
              <th>In flight</th>
              <th>p50</th>
              <th>p95</th>
              <th>First byte</th>
              <th>Tokens/s</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.providerId} data-testid={`gateway-stats-row-${row.providerId}`}>
                <td className="mono">{row.providerId}</td>
                <td data-testid="stat-requests">{row.requests}</td>
                <td className={row.errors > 0 ? 'tone-bad' : undefined}>{row.errors}</td>
                <td>{row.inFlight}</td>
                <td>{ms(row.p50Ms)}</td>
                <td>{ms(row.p95Ms)}</td>
                <td>{ms(row.ttfbMs)}</td>
                <td>{row.tokensPerSec === undefined ? '—' : row.tokensPerSec.toFixed(1)}</td>
                <td className="muted gateway-last-error">{row.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
