import { useProviderUsage } from '../api/resource-hooks';
import { bytes, color } from '../format/chart';
import './usage-sparkline.css';

const WIDTH = 100;
const HEIGHT = 28;

function points(values: number[], max: number): string {
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  return values.map((v, i) => `${(i * step).toFixed(2)},${(HEIGHT - 1 - (Math.min(v, max) / max) * (HEIGHT - 2)).toFixed(2)}`).join(' ');
}

/** A provider's CPU and RAM over the last minute, small enough for a tile. Plain SVG: two lines need no chart library. */
export function UsageSparkline({ id }: { id: string }) {
  const usage = useProviderUsage(id);
  const last = usage.at(-1);
  const cpu = usage.map((u) => u.cpuPercent);
  const rss = usage.map((u) => u.rssBytes);
  return (
    <div className="sparkline" data-testid="provider-sparkline" data-points={usage.length}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label="CPU and memory over the last minute">
        {usage.length > 1 && (
          <>
            <polyline
              points={points(cpu, Math.max(100, ...cpu))}
              fill="none"
              stroke={color(0)}
              strokeWidth={1.5}
              vectorEffect="non-scaling-stroke"
            />
            <polyline
              points={points(rss, Math.max(...rss) * 1.2 || 1)}
              fill="none"
              stroke={color(1)}
              strokeWidth={1.5}
              vectorEffect="non-scaling-stroke"
            />
          </>
        )}
      </svg>
      <span className="sparkline-values">
        <span style={{ color: color(0) }}>CPU {last ? `${last.cpuPercent.toFixed(0)}%` : '—'}</span>
        <span style={{ color: color(1) }}>RAM {last ? bytes(last.rssBytes) : '—'}</span>
      </span>
    </div>
  );
}
