import type { GpuSample } from '../../../shared/resources';
import type { GpuVendor } from '../../../shared/system';

/** Lists GPU accelerators with their live statistics; needs no root, unlike powermetrics. */
export const IOREG_ARGS = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'];

function vendorOf(text: string): GpuVendor {
  if (/^AGX|\bApple\b/.test(text)) return 'apple';
  if (/AMD|Radeon/i.test(text)) return 'amd';
  if (/Intel/i.test(text)) return 'intel';
  if (/NVDA|NVIDIA|GeForce/i.test(text)) return 'nvidia';
  return 'other';
}

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
    const vendor = vendorOf(model ?? className);
    const sample: GpuSample = { index, name: model ?? className, vendor };
    const util = values.get('Device Utilization %') ?? values.get('GPU Activity(%)');
    const used = values.get('vramUsedBytes') ?? values.get('In use system memory');
    const free = values.get('vramFreeBytes');
    const temperature = values.get('Temperature(C)');
    if (util !== undefined) sample.utilPercent = util;
    if (used !== undefined) sample.vramUsedBytes = used;
    if (used !== undefined && free !== undefined) sample.vramTotalBytes = used + free;
    if (temperature !== undefined && temperature > 0) sample.temperatureC = temperature;
    return [sample];
  });
}
