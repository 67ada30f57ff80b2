import type { GpuSample } from '../../../shared/resources';

export const ROCM_SMI_ARGS = ['--showuse', '--showmeminfo', 'vram', '--showtemp', '--showpower', '--showproductname', '--json'];
export const ROCM_SMI_PIDS_ARGS = ['--showpids', '--json'];

type CardFields = Record<string, string>;

/**
 * The JSON in rocm-smi's output: it may print a warning first ("WARNING: AMD GPU device(s) is/are
 * in a low-power state…").
 */
function jsonIn(text: string): unknown {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
}

function numberOf(text: string | undefined): number | undefined {
  const value = text?.trim();
  return value && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

/** The first field present under any of the names rocm-smi has used across releases. */
function field(card: CardFields, pattern: RegExp): string | undefined {
  const key = Object.keys(card).find((k) => pattern.test(k));
  return key === undefined ? undefined : card[key];
}

/**
 * `rocm-smi … --json` → one sample per `cardN`. Field names moved between releases ("Card
 * series" / "Card Series" / "Device Name"; "Average Graphics Package Power (W)" / "Current
 * Socket Graphics Package Power (W)"; "(c)" / "(C)"), so each is matched by pattern.
 */
export function parseRocmSmiJson(text: string): GpuSample[] {
  const json = jsonIn(text);
  if (!json || typeof json !== 'object') return [];
  const samples: GpuSample[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const match = /^card(\d+)$/.exec(key);
    if (!match || !value || typeof value !== 'object') continue;
    const card = value as CardFields;
    const sample: GpuSample = {
      index: Number(match[1]),
      name: (field(card, /^card series$/i) ?? field(card, /^device name$/i) ?? field(card, /^card model$/i) ?? `AMD GPU ${match[1]}`).trim(),
      vendor: 'amd',
    };
    const util = numberOf(field(card, /^GPU use \(%\)$/i));
    const used = numberOf(field(card, /^VRAM Total Used Memory \(B\)$/i));
    const total = numberOf(field(card, /^VRAM Total Memory \(B\)$/i));
    const temperature = numberOf(field(card, /^Temperature \(Sensor edge\)/i) ?? field(card, /^Temperature \(Sensor junction\)/i));
    const power = numberOf(field(card, /Graphics Package Power \(W\)$/i));
    if (util !== undefined) sample.utilPercent = util;
    if (used !== undefined) sample.vramUsedBytes = used;
    if (total !== undefined) sample.vramTotalBytes = total;
    if (temperature !== undefined) sample.temperatureC = temperature;
    if (power !== undefined) sample.powerW = power;
    samples.push(sample);
  }
  return samples.sort((a, b) => a.index - b.index);
}

/**
 * `rocm-smi --showpids --json` → VRAM bytes per PID. Each entry reads
 * `"PID<n>": "<name>, <gpu count>, <vram bytes>, <sdma bytes>, <cu occupancy>"`.
 */
export function parseRocmSmiPids(text: string): Map<number, number> {
  const byPid = new Map<number, number>();
  const json = jsonIn(text);
  const system = (json as { system?: Record<string, unknown> } | null)?.system;
  if (!system || typeof system !== 'object') return byPid;
  for (const [key, value] of Object.entries(system)) {
    const pid = /^PID(\d+)$/.exec(key)?.[1];
    if (!pid || typeof value !== 'string') continue;
    // The name may hold commas; the four numbers after it may not.
    const parts = value.split(',').map((p) => p.trim());
    const vram = numberOf(parts.at(-3));
    if (vram !== undefined) byPid.set(Number(pid), vram);
  }
  return byPid;
}
