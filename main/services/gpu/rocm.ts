import type { GpuSample } from '../../../shared/resources';
import type { GpuInfo } from '../../../shared/system';
import { jsonIn, MIB, numberOf, textOf, withReadings } from './tool-output';

/**
 * What rocm-smi prints with `--json`: an object of `cardN` entries plus `system`, for the
 * inventory (what each card is) and for live sampling (what it is doing, and VRAM per process).
 * Key spelling changed across ROCm releases ("Card series" in 5.x, "Card Series" in 6.x; "(c)" /
 * "(C)"; "Average" / "Current Socket Graphics Package Power (W)"), so keys are matched without
 * regard to case, and a few by pattern. It may print a warning before its JSON ("WARNING: AMD GPU
 * device(s) is/are in a low-power state…") or text after it; both are skipped.
 */

/** The inventory's query: name, VRAM, driver. */
export const ROCM_SMI_ARGS = ['--showproductname', '--showmeminfo', 'vram', '--showdriverversion', '--json'] as const;
/** Live sampling's query: use, VRAM, temperature, power, name. */
export const ROCM_SMI_SAMPLE_ARGS = [
  '--showuse',
  '--showmeminfo',
  'vram',
  '--showtemp',
  '--showpower',
  '--showproductname',
  '--json',
] as const;
export const ROCM_SMI_PIDS_ARGS = ['--showpids', '--json'] as const;

type Fields = Record<string, unknown>;

interface Card {
  index: number;
  /** A field's text, by its name (any case) or a pattern; undefined when missing, blank or "N/A". */
  get(name: string | RegExp): string | undefined;
}

function field(fields: Fields, name: string | RegExp): string | undefined {
  const matches = typeof name === 'string' ? (key: string) => key.toLowerCase() === name.toLowerCase() : (key: string) => name.test(key);
  const hit = Object.entries(fields).find(([key]) => matches(key))?.[1];
  return typeof hit === 'string' ? textOf(hit) : undefined;
}

/** The `cardN` entries in index order, and the `system` entry. */
function readCards(text: string): { cards: Card[]; system?: Fields } {
  const doc = jsonIn(text);
  if (!doc || typeof doc !== 'object') return { cards: [] };
  const entries = Object.entries(doc as Fields);
  const system = entries.find(([key]) => key.toLowerCase() === 'system')?.[1];
  const cards = entries
    .filter(([key, v]) => /^card\d+$/i.test(key) && v && typeof v === 'object')
    .map(([key, v]): Card => ({ index: Number(key.slice(4)), get: (name) => field(v as Fields, name) }))
    .sort((a, b) => a.index - b.index);
  return { cards, ...(system && typeof system === 'object' ? { system: system as Fields } : {}) };
}

/** Where pci.ids lacks the card, rocm-smi prints its PCI device id ("0x747e") as the series. */
function cardName(card: Card): string {
  const series = card.get('Card Series');
  const deviceName = card.get('Device Name');
  const hex = (s?: string) => !s || /^0x[0-9a-f]+$/i.test(s);
  if (!hex(series)) return series!;
  if (!hex(deviceName)) return deviceName!;
  const id = series ?? card.get('Card Model');
  return id ? `AMD GPU ${id}` : `AMD GPU ${card.index}`;
}

/** Parses the inventory's query (`ROCM_SMI_ARGS`): one GPU per card. */
export function parseRocmSmiJson(text: string, rocmVersion?: string): GpuInfo[] {
  const { cards, system } = readCards(text);
  return cards.map((card) => {
    const totalBytes = numberOf(card.get('VRAM Total Memory (B)'));
    const usedBytes = numberOf(card.get('VRAM Total Used Memory (B)'));
    const driver = card.get('Driver version') ?? (system ? field(system, 'Driver version') : undefined);
    const busId = card.get('PCI Bus');
    return {
      vendor: 'amd',
      model: cardName(card),
      ...(totalBytes !== undefined ? { vramMiB: Math.round(totalBytes / MIB) } : {}),
      ...(totalBytes !== undefined && usedBytes !== undefined ? { vramFreeMiB: Math.round((totalBytes - usedBytes) / MIB) } : {}),
      sharedMemory: false,
      ...(driver ? { driverVersion: driver } : {}),
      ...(rocmVersion ? { rocmVersion } : {}),
      ...(busId ? { busId } : {}),
      source: 'rocm-smi',
    } satisfies GpuInfo;
  });
}

/** Parses live sampling's query (`ROCM_SMI_SAMPLE_ARGS`): one sample per card. */
export function parseRocmSmiSamples(text: string): GpuSample[] {
  return readCards(text).cards.map((card) => {
    const temperature = card.get(/^Temperature \(Sensor edge\)/i) ?? card.get(/^Temperature \(Sensor junction\)/i);
    return withReadings<GpuSample>(
      { index: card.index, name: cardName(card), vendor: 'amd' },
      {
        utilPercent: numberOf(card.get('GPU use (%)')),
        vramUsedBytes: numberOf(card.get('VRAM Total Used Memory (B)')),
        vramTotalBytes: numberOf(card.get('VRAM Total Memory (B)')),
        temperatureC: numberOf(temperature),
        powerW: numberOf(card.get(/Graphics Package Power \(W\)$/i)),
      },
    );
  });
}

/**
 * `rocm-smi --showpids --json` → VRAM bytes per PID. Each entry reads
 * `"PID<n>": "<name>, <gpu count>, <vram bytes>, <sdma bytes>, <cu occupancy>"`.
 */
export function parseRocmSmiPids(text: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const [key, value] of Object.entries(readCards(text).system ?? {})) {
    const pid = /^PID(\d+)$/.exec(key)?.[1];
    if (!pid || typeof value !== 'string') continue;
    // The name may hold commas; the four numbers after it may not.
    const vram = numberOf(value.split(',').at(-3));
    if (vram !== undefined) byPid.set(Number(pid), vram);
  }
  return byPid;
}

/** /opt/rocm/.info/version holds e.g. "6.2.4-120": the release before the build number. */
export function parseRocmVersion(text: string): string | undefined {
  return /^\s*(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}
