import type { Accelerator } from '../../../shared/recipe';
import type { GpuInfo, GpuVendor } from '../../../shared/system';

const PCI_VENDORS: Record<string, GpuVendor> = { '10de': 'nvidia', '1002': 'amd', '1022': 'amd', '8086': 'intel', '106b': 'apple' };

/** "NVIDIA Corporation", "Advanced Micro Devices, Inc. [AMD/ATI]", "Apple", PCI id "10de", … → vendor. */
export function normaliseVendor(vendor: string | undefined, model?: string, pciVendorId?: string): GpuVendor {
  for (const text of [vendor, model]) {
    const found = vendorIn(text ?? '');
    if (found) return found;
  }
  const id = pciVendorId?.toLowerCase().replace(/^0x/, '');
  return (id && PCI_VENDORS[id]) || 'other';
}

/**
 * IOKit accelerator classes are named for their driver, in one word: "AGXAcceleratorG14X" (Apple
 * Silicon), "AMDRadeonX6000_AMDNavi14GraphicsAccelerator", "IntelAccelerator", "NVDA…".
 */
const IOKIT_CLASSES: ReadonlyArray<readonly [RegExp, GpuVendor]> = [
  [/^AGX|\bApple\b/, 'apple'],
  [/AMD|Radeon/i, 'amd'],
  [/Intel/i, 'intel'],
  [/NVDA|NVIDIA|GeForce/i, 'nvidia'],
];

/** The vendor of a macOS accelerator, named by its model ("Apple M2 Pro") or, lacking one, its IOKit class. */
export function acceleratorVendor(modelOrClass: string): GpuVendor {
  return vendorIn(modelOrClass) ?? IOKIT_CLASSES.find(([pattern]) => pattern.test(modelOrClass))?.[1] ?? 'other';
}

function vendorIn(text: string): GpuVendor | undefined {
  const t = text.toLowerCase();
  if (/nvidia|geforce|quadro|tesla/.test(t)) return 'nvidia';
  // Word boundaries: "ati" must not match "Corporation".
  if (/advanced micro devices|\b(amd|ati|radeon)\b/.test(t)) return 'amd';
  if (/\bapple\b/.test(t)) return 'apple';
  if (/\bintel\b/.test(t)) return 'intel';
  return undefined;
}

const PRIORITY: readonly Exclude<Accelerator, 'none'>[] = ['nvidia', 'amd', 'apple', 'intel'];

/** The accelerator builds are chosen for: a laptop with an Intel iGPU and an NVIDIA card is "nvidia". */
export function mainAccelerator(gpus: readonly GpuInfo[]): Accelerator {
  return PRIORITY.find((vendor) => gpus.some((g) => g.vendor === vendor)) ?? 'none';
}
