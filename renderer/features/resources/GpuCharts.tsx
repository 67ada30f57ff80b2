import type { ResourceSample } from '../../../shared/resources';
import { color, gib, GIB, inGib, percent } from '../../format/chart';
import { gpusIn, gpuValues, vramPercent } from './series';
import { TimeChart } from './TimeChart';

/** Per GPU: utilisation, and VRAM (as a share of the card's, or in bytes where memory is shared). */
export function GpuCharts({ samples, spanMs }: { samples: ResourceSample[]; spanMs: number }) {
  const gpus = gpusIn(samples);
  const times = samples.map((s) => s.at);
  const latest = samples.at(-1)?.gpus ?? [];
  if (gpus.length === 0) {
    return (
      <p className="card muted resources-no-gpu" data-testid="no-gpus">
        No GPU reported: nvidia-smi, rocm-smi or (on macOS) ioreg is needed for GPU graphs.
      </p>
    );
  }
  return (
    <>
      {gpus.map(({ index, name, shared }) => {
        const now = latest.find((g) => g.index === index);
        const extras = [
          now?.temperatureC !== undefined && `${Math.round(now.temperatureC)} °C`,
          now?.powerW !== undefined && `${Math.round(now.powerW)} W`,
        ]
          .filter(Boolean)
          .join(' · ');
        return [
          <TimeChart
            key={`util-${index}`}
            testId={`chart-gpu-${index}-util`}
            title={`GPU ${index} · ${name}`}
            summary={now?.utilPercent !== undefined ? `${percent(now.utilPercent)} busy${extras ? ` · ${extras}` : ''}` : extras}
            times={times}
            spanMs={spanMs}
            yMax={100}
            formatValue={percent}
            series={[{ label: 'Utilisation', color: color(2), values: gpuValues(samples, index, (g) => g.utilPercent) }]}
          />,
          <TimeChart
            key={`vram-${index}`}
            testId={`chart-gpu-${index}-vram`}
            title={`GPU ${index} memory${shared ? ' (shared with the system)' : ''}`}
            summary={
              now?.vramUsedBytes !== undefined
                ? `${gib(now.vramUsedBytes)}${now.vramTotalBytes ? ` of ${gib(now.vramTotalBytes)}` : ''}`
                : undefined
            }
            times={times}
            spanMs={spanMs}
            yMax={shared ? undefined : 100}
            formatValue={shared ? inGib : percent}
            series={[
              {
                label: shared ? 'In use' : 'VRAM used',
                color: color(3),
                values: shared
                  ? gpuValues(samples, index, (g) => (g.vramUsedBytes === undefined ? undefined : g.vramUsedBytes / GIB))
                  : gpuValues(samples, index, vramPercent),
              },
            ]}
          />,
        ];
      })}
    </>
  );
}
