import type { ResourceSample } from '../../../shared/resources';
import { color, gib, GIB, inGib, percent } from '../../format/chart';
import { coreValues } from './series';
import { TimeChart } from './TimeChart';

export function SystemCharts({ samples, spanMs }: { samples: ResourceSample[]; spanMs: number }) {
  const times = samples.map((s) => s.at);
  const last = samples.at(-1);
  const memoryTotal = last && last.memory.totalBytes / GIB;
  const swapUsed = last?.memory.swapUsedBytes ?? 0;
  const hasSwap = (last?.memory.swapTotalBytes ?? 0) > 0;
  return (
    <>
      <TimeChart
        testId="chart-cpu"
        title="CPU"
        summary={last && `${percent(last.cpu.percent)} of ${last.cpu.perCore.length} cores`}
        times={times}
        spanMs={spanMs}
        yMax={100}
        formatValue={percent}
        series={[
          { label: 'All cores', color: color(0), values: samples.map((s) => s.cpu.percent) },
          ...coreValues(samples).map((values, i) => ({ label: `Core ${i}`, color: color(0), values, faint: true })),
        ]}
      />
      <TimeChart
        testId="chart-memory"
        title="Memory"
        summary={last && `${gib(last.memory.usedBytes)} of ${gib(last.memory.totalBytes)}${swapUsed > 0 ? ` · swap ${gib(swapUsed)}` : ''}`}
        times={times}
        spanMs={spanMs}
        yMax={memoryTotal}
        formatValue={inGib}
        series={[
          { label: 'RAM used', color: color(1), values: samples.map((s) => s.memory.usedBytes / GIB) },
          ...(hasSwap ? [{ label: 'Swap used', color: color(4), values: samples.map((s) => s.memory.swapUsedBytes / GIB) }] : []),
        ]}
      />
    </>
  );
}
