import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Thin and unfilled, for background detail such as single cores. */
  faint?: boolean;
}

interface TimeChartProps {
  testId: string;
  title: string;
  /** The current value(s), shown beside the title. */
  summary?: ReactNode;
  /** Epoch milliseconds, oldest first. */
  times: number[];
  series: ChartSeries[];
  /** A fixed top of the y axis (100 for percentages, the total for memory); auto when absent. */
  yMax?: number;
  formatValue: (value: number) => string;
  /** The width of the time window: the chart slides along it instead of stretching a few samples. */
  spanMs: number;
  height?: number;
}

const AXIS = { stroke: '#8b949e', grid: { stroke: 'rgba(139,148,158,0.12)', width: 1 }, ticks: { show: false } };

/**
 * A live line chart on uPlot (canvas, ~50 KB): cheap enough to redraw every second on every graph.
 * `data-points` on the frame says how many samples it draws, for tests and curious users.
 */
export function TimeChart({ testId, title, summary, times, series, yMax, formatValue, spanMs, height = 160 }: TimeChartProps) {
  const frame = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}:${s.faint ? 1 : 0}`).join('|');
  const data = (): uPlot.AlignedData => [times.map((t) => t / 1000), ...series.map((s) => s.values)];

  // (Re)built only when the set of lines changes; new samples go through setData below.
  useEffect(() => {
    const target = frame.current;
    if (!target) return;
    const opts: uPlot.Options = {
      width: Math.max(200, target.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (_u, min, max) => [Math.min(min, max - spanMs / 1000), max] },
        y: { range: (_u, _min, max) => [0, yMax ?? Math.max(max, 1) * 1.1] },
      },
      axes: [
        { ...AXIS, space: 60 },
        { ...AXIS, size: 64, values: (_u, ticks) => ticks.map((v) => formatValue(v)) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.faint ? 1 : 1.75,
          ...(s.faint ? { alpha: 0.35 } : { fill: `${s.color}22` }),
          points: { show: false },
        })),
      ],
    };
    const chart = new uPlot(opts, data(), target);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, target.clientWidth), height }));
    resize.observe(target);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, height, yMax, spanMs]);

  useEffect(() => {
    plot.current?.setData(data());
  });

  return (
    <figure className="chart card" data-testid={testId} data-points={times.length}>
      <figcaption className="chart-header">
        <h3>{title}</h3>
        {summary && <span className="chart-summary">{summary}</span>}
      </figcaption>
      <div className="chart-legend">
        {series
          .filter((s) => !s.faint)
          .map((s) => (
            <span key={s.label} className="chart-key">
              <span className="chart-swatch" style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
      </div>
      <div ref={frame} className="chart-plot" />
    </figure>
  );
}
