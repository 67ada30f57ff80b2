import type { GpuSample } from '../../../shared/resources';

/** Small readers shared by the GPU tools' parsers: numbers, placeholders and JSON in what they print. */

export const MIB = 1024 * 1024;

/**
 * A number, or undefined for anything else: what nvidia-smi prints instead of one ("[N/A]",
 * "[Not Supported]", "[Unknown Error]", "[Insufficient Permissions]", "N/A"), rocm-smi's "N/A", ''.
 */
export function numberOf(text: unknown): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (typeof text !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

/** A text value, or undefined for the placeholders nvidia-smi and rocm-smi print for values they lack. */
export function textOf(text: string | undefined): string | undefined {
  const v = text?.trim();
  return !v || /^\[.*\]$/.test(v) || v === 'N/A' ? undefined : v;
}

/**
 * The JSON object in a tool's output, which may have text before it (rocm-smi's "WARNING: AMD GPU
 * device(s) is/are in a low-power state…") or after it; undefined when there is none.
 */
export function jsonIn(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/**
 * One `--format=csv,noheader` row with one free-text column (a GPU's name, which may hold commas):
 * `columns` values, the one at `freeAt` holding whatever commas the row has beyond the others.
 * Undefined for a row with too few columns.
 */
export function csvRowWithFreeText(line: string, columns: number, freeAt: number): string[] | undefined {
  const parts = line.split(',');
  if (parts.length < columns) return undefined;
  const after = columns - freeAt - 1;
  const free = parts.slice(freeAt, parts.length - after).join(',');
  return [...parts.slice(0, freeAt), free, ...parts.slice(parts.length - after)];
}

/** The first non-blank line of a tool's output, for a one-line problem report. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim()
      .slice(0, 200) ?? ''
  );
}

type Readings = Pick<GpuSample, 'utilPercent' | 'vramUsedBytes' | 'vramTotalBytes' | 'temperatureC' | 'powerW'>;

/** A live sample with the readings a tool gave; one it lacked is left out, not set to undefined. */
export function withReadings<T extends GpuSample>(sample: T, readings: { [K in keyof Readings]: number | undefined }): T {
  const given = Object.entries(readings).filter(([, value]) => value !== undefined);
  return { ...sample, ...(Object.fromEntries(given) as Readings) };
}
