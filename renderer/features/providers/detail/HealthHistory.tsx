import type { HealthSample } from '../../../../shared/provider';

/** The strip shows this many of the newest samples: one row of bars, no scrolling. */
const SHOWN = 60;

/** Recent health probes as bars: colour says pass or fail, height says latency (relative to the slowest shown). */
export function HealthHistory({ samples }: { samples: HealthSample[] }) {
  const shown = samples.slice(-SHOWN);
  // Scaled to passing probes only: a failure is drawn full height anyway, and a 3 s timeout would flatten the rest.
  const slowest = Math.max(1, ...shown.filter((s) => s.ok).map((s) => s.latencyMs));
  const passed = shown.filter((s) => s.ok).length;
  const latencies = shown
    .filter((s) => s.ok)
    .map((s) => s.latencyMs)
    .sort((a, b) => a - b);
  const median = latencies.length > 0 ? latencies[Math.floor(latencies.length / 2)] : undefined;

  return (
    <section className="card" aria-label="Health history">
      <header className="card-header">
        <h2>Health</h2>
        {shown.length > 0 && (
          <span className="card-meta">
            {passed}/{shown.length} ok{median !== undefined && ` · median ${median} ms`}
          </span>
        )}
      </header>
      <div
        className={`health-strip${shown.length === 0 ? ' health-strip-empty' : ''}`}
        data-testid="health-history"
        role="list"
        aria-label={`${shown.length} recent health checks`}
      >
        {shown.length === 0 && <span className="muted">No health checks yet: they start once the provider runs.</span>}
        {shown.map((sample) => (
          <span
            key={sample.at}
            role="listitem"
            className={`health-bar ${sample.ok ? 'health-ok' : 'health-fail'}`}
            data-ok={String(sample.ok)}
            style={{ height: sample.ok ? `${Math.max(18, (sample.latencyMs / slowest) * 100)}%` : '100%' }}
            title={`${new Date(sample.at).toLocaleTimeString()} — ${sample.ok ? 'ok' : 'failed'}, ${sample.latencyMs} ms — ${sample.detail}`}
          />
        ))}
      </div>
    </section>
  );
}
