import si, { type Systeminformation } from 'systeminformation';
import type { Accelerator } from '../../shared/recipe';
import type { GpuInfo, GpuVendor } from '../../shared/system';

/** One way of listing GPUs. nvidia-smi and rocm-smi probes join this list in a later issue. */
export type GpuProbe = () => Promise<GpuInfo[]>;

/** Most exact first: the first probe that finds any GPU wins. */
export const GPU_PROBES: readonly GpuProbe[] = [probeSystemInformation];

/** The GPUs of this machine; an empty list when none is found or every probe fails. */
export async function detectGpus(probes: readonly GpuProbe[] = GPU_PROBES): Promise<GpuInfo[]> {
  for (const probe of probes) {
    const found = await probe().catch(() => []);
    if (found.length > 0) return found;
  }
  return [];
}

export async function probeSystemInformation(): Promise<GpuInfo[]> {
  const { controllers } = await si.graphics();
  return gpusFromControllers(controllers);
}

/** Pure, so recorded systeminformation output can be tested as it came. */
export function gpusFromControllers(controllers: readonly Systeminformation.GraphicsControllerData[]): GpuInfo[] {
  return controllers.map((c) => {
    const vendor = normaliseVendor(c.vendor, c.model, c.vendorId);
    const model = (c.name || c.model || c.vendor || 'unknown GPU').trim();
    // An integrated GPU's reported "VRAM" is a window into system RAM, not memory of its own.
    const sharedMemory = c.vramDynamic || vendor === 'apple';
    const vram = c.memoryTotal ?? c.vram ?? undefined;
    return {
      vendor,
      model,
      ...(!sharedMemory && vram && vram > 0 ? { vramMiB: Math.round(vram) } : {}),
      sharedMemory,
      ...(c.driverVersion ? { driverVersion: c.driverVersion } : {}),
      source: 'systeminformation',
    };
  });
}

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
