import { formatBytes } from '../../shared/format-bytes';

export const GIB = 1024 ** 3;
/** An axis value already in GiB. */
export const inGib = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} GiB`;
export const percent = (value: number) => `${Math.round(value)}%`;
export const gib = (value: number) => `${(value / 1024 ** 3).toFixed(value < 10 * 1024 ** 3 ? 1 : 0)} GiB`;
export const bytes = (value: number | undefined) => (value === undefined ? '—' : formatBytes(Math.round(value)));

/** Chart colours: the app's palette (styles/base.css), in the order lines are added. */
export const COLORS = ['#6d8bff', '#3fb950', '#f0883e', '#58a6ff', '#d29922', '#f85149'] as const;
export const color = (i: number) => COLORS[i % COLORS.length]!;
