import type { GpuSample } from '../../../shared/resources';
import type { GpuInfo } from '../../../shared/system';
import { numberOf, withReadings } from './tool-output';
import { acceleratorVendor, normaliseVendor } from './vendor';

/**
 * What macOS tells of its GPUs: `system_profiler SPDisplaysDataType -json` for the inventory (what
 * each GPU is) and `ioreg … IOAccelerator` for live sampling (what it is doing).
 */

// ---- Inventory: system_profiler -------------------------------------------------------------

export const SYSTEM_PROFILER_ARGS = ['SPDisplaysDataType', '-json'] as const;

/** Parses `system_profiler SPDisplaysDataType -json`: one entry per GPU, displays nested inside. */
export function parseSystemProfilerDisplays(text: string): GpuInfo[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (doc as { SPDisplaysDataType?: unknown } | null)?.SPDisplaysDataType;
  if (!Array.isArray(list)) return [];
  const gpus: GpuInfo[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const e = item as Record<string, unknown>;
    const str = (key: string) => (typeof e[key] === 'string' ? e[key] : undefined);
    // Older macOS names Apple Silicon "kHW_AppleM1Item"; sppci_model always has the real name.
    const name = str('_name');
    const model = str('sppci_model') ?? (name && !name.startsWith('kHW_') ? name : undefined);
    if (!model) continue;
    const vendorText = str('spdisplays_vendor')?.replace(/^sppci_vendor_/i, '');
    const vendor = normaliseVendor(vendorText, model, str('spdisplays_vendor-id'));
    const dedicated = mebibytes(str('spdisplays_vram'));
    const shared = vendor === 'apple' || str('spdisplays_vram_shared') !== undefined || dedicated === undefined;
    const metal = metalName(str('spdisplays_mtlgpufamilysupport') ?? str('spdisplays_metalfamily') ?? str('spdisplays_metal'));
    const cores = numberOf(str('sppci_cores'));
    gpus.push({
      vendor,
      model,
      ...(!shared && dedicated !== undefined ? { vramMiB: dedicated } : {}),
      sharedMemory: shared,
      ...(metal ? { metal } : {}),
      ...(cores !== undefined ? { cores } : {}),
      source: 'system_profiler',
    });
  }
  return gpus;
}

/** "spdisplays_metal3" → "Metal 3"; Intel Macs' "spdisplays_mtlgpufamilymac2" → "Metal (Mac 2 family)". */
function metalName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const version = /metal(\d+)$/i.exec(value)?.[1];
  if (version) return `Metal ${version}`;
  const family = /mtlgpufamilymac(\d+)/i.exec(value)?.[1];
  if (family) return `Metal (Mac ${family} family)`;
  return /metal/i.test(value) ? 'Metal' : undefined;
}

/** "8 GB", "1536 MB" → MiB (macOS counts in binary units). */
function mebibytes(value: string | undefined): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(MB|GB|TB)\s*$/i.exec(value ?? '');
  if (!match) return undefined;
  const scale = { MB: 1, GB: 1024, TB: 1024 * 1024 }[match[2]!.toUpperCase() as 'MB' | 'GB' | 'TB'];
  return Math.round(Number(match[1]) * scale);
}

// ---- Live sampling: ioreg -------------------------------------------------------------------

/** Lists GPU accelerators with their live statistics; needs no root, unlike powermetrics. */
export const IOREG_ARGS = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'] as const;

/** `"Key"=123` pairs of an ioreg dictionary printed on one line. */
function numbersIn(dictionary: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const match of dictionary.matchAll(/"([^"]+)"=(-?\d+)/g)) values.set(match[1]!, Number(match[2]));
  return values;
}

/**
 * `ioreg -r -d 1 -w 0 -c IOAccelerator` (macOS) → one sample per accelerator. Apple Silicon
 * reports "Device Utilization %" and "In use system memory" (it shares RAM, so there is no VRAM
 * total); AMD cards in Intel Macs add "vramUsedBytes"/"vramFreeBytes".
 */
export function parseIoregAccelerators(text: string): GpuSample[] {
  const blocks = text.split(/^\+-o /m).slice(1);
  return blocks.flatMap((block, index) => {
    const className = /^(\S+)/.exec(block)?.[1] ?? 'GPU';
    const model = /"model" = <?"([^"]+)"/.exec(block)?.[1];
    const stats = /"PerformanceStatistics" = \{([^}]*)\}/.exec(block)?.[1];
    if (!stats) return [];
    const values = numbersIn(stats);
    const used = values.get('vramUsedBytes') ?? values.get('In use system memory');
    const free = values.get('vramFreeBytes');
    const temperature = values.get('Temperature(C)');
    const sample = withReadings<GpuSample>(
      { index, name: model ?? className, vendor: acceleratorVendor(model ?? className) },
      {
        utilPercent: values.get('Device Utilization %') ?? values.get('GPU Activity(%)'),
        vramUsedBytes: used,
        vramTotalBytes: used !== undefined && free !== undefined ? used + free : undefined,
        temperatureC: temperature !== undefined && temperature > 0 ? temperature : undefined,
        powerW: undefined,
      },
    );
    return [sample];
  });
}
