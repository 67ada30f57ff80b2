import { readFile } from 'node:fs/promises';
import path from 'node:path';
import si, { type Systeminformation } from 'systeminformation';
import which from 'which';
import type { Accelerator } from '../../shared/recipe';
import type { GpuInfo, GpuVendor } from '../../shared/system';
import { runBounded } from './run-bounded';

export interface GpuProbeOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  platform?: string;
}

/** What one probe found, and what went wrong on the way (a driver nvidia-smi cannot talk to). */
export interface GpuProbeResult {
  gpus: GpuInfo[];
  problems: string[];
}

/** One way of listing GPUs. */
export type GpuProbe = (options: GpuProbeOptions) => Promise<GpuProbeResult>;

export interface GpuProbes {
  /** Vendor tools, each exact for its own vendor; their results are combined. */
  exact: readonly GpuProbe[];
  /** For vendors no exact probe reported (an Intel iGPU, an NVIDIA card without its driver). */
  fallback?: GpuProbe;
}

export const GPU_PROBES: GpuProbes = {
  exact: [probeNvidiaSmi, probeRocmSmi, probeSystemProfiler],
  fallback: probeSystemInformation,
};

/**
 * The GPUs of this machine: what nvidia-smi, rocm-smi and system_profiler report, plus what
 * systeminformation sees of any other vendor. A probe that throws counts as having found nothing.
 */
export async function detectGpus(probes: GpuProbes = GPU_PROBES, options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  const safely = (probe: GpuProbe) =>
    probe(options).catch((error: unknown): GpuProbeResult => ({ gpus: [], problems: [`GPU probe failed: ${(error as Error).message}`] }));
  const [exact, fallback] = await Promise.all([Promise.all(probes.exact.map(safely)), probes.fallback ? safely(probes.fallback) : undefined]);
  const gpus = exact.flatMap((r) => r.gpus);
  const covered = new Set(gpus.map((g) => g.vendor));
  const extra = fallback?.gpus.filter((g) => !covered.has(g.vendor)) ?? [];
  return { gpus: [...gpus, ...extra], problems: [...exact.flatMap((r) => r.problems), ...(fallback?.problems ?? [])] };
}

// ---- NVIDIA ---------------------------------------------------------------------------------

/** Columns asked of `nvidia-smi --query-gpu`; the parser reads them in this order. */
export const NVIDIA_QUERY = ['index', 'name', 'pci.bus_id', 'memory.total', 'memory.free', 'driver_version'] as const;
export const NVIDIA_QUERY_ARGS = [`--query-gpu=${NVIDIA_QUERY.join(',')}`, '--format=csv,noheader,nounits'] as const;

export async function probeNvidiaSmi(options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  const env = options.env ?? process.env;
  const smi = await which('nvidia-smi', { nothrow: true, path: env.PATH });
  if (!smi) return { gpus: [], problems: [] };
  // --query-gpu has no CUDA column: the version the driver supports is in the plain banner.
  const [query, banner] = await Promise.all([
    runBounded(smi, NVIDIA_QUERY_ARGS, { env, timeoutMs: options.timeoutMs }),
    runBounded(smi, [], { env, timeoutMs: options.timeoutMs }),
  ]);
  if (query.exitCode !== 0) return { gpus: [], problems: [`nvidia-smi failed: ${query.timedOut ? 'no answer in time' : firstLine(query.all) || `exit code ${query.exitCode}`}`] };
  return { gpus: parseNvidiaSmiQuery(query.stdout, parseCudaVersion(banner.all)), problems: [] };
}

/** Parses `nvidia-smi --query-gpu=<NVIDIA_QUERY> --format=csv,noheader,nounits`, one line per GPU. */
export function parseNvidiaSmiQuery(text: string, cudaVersion?: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const raw = line.split(',');
    const parts = raw.map((p) => p.trim());
    if (parts.length < NVIDIA_QUERY.length || !/^\d+$/.test(parts[0]!)) continue;
    // The name is the only free text: any comma in it belongs to it.
    const [busId, total, free, driver] = parts.slice(-4).map(value);
    const name = raw.slice(1, -4).join(',').trim();
    const totalMiB = number(total);
    const freeMiB = number(free);
    gpus.push({
      vendor: 'nvidia',
      model: name,
      ...(totalMiB !== undefined ? { vramMiB: totalMiB } : {}),
      ...(freeMiB !== undefined ? { vramFreeMiB: freeMiB } : {}),
      // Grace Blackwell (GB10) and Jetson share memory with the CPU and report no framebuffer size.
      sharedMemory: totalMiB === undefined,
      ...(driver ? { driverVersion: driver } : {}),
      ...(cudaVersion ? { cudaVersion } : {}),
      ...(busId ? { busId } : {}),
      source: 'nvidia-smi',
    });
  }
  return gpus;
}

/** "CUDA Version: 12.4" (the banner) or "CUDA Version : 12.4" (`-q`, `--version`). */
export function parseCudaVersion(text: string): string | undefined {
  return /CUDA Version\s*:\s*(\d+\.\d+)/i.exec(text)?.[1];
}

// ---- AMD ------------------------------------------------------------------------------------

export const ROCM_SMI_ARGS = ['--showproductname', '--showmeminfo', 'vram', '--showdriverversion', '--json'] as const;

/** ROCm installs under /opt/rocm without always putting its bin/ on PATH. */
export function rocmRoot(env: NodeJS.ProcessEnv): string {
  return env.ROCM_PATH || '/opt/rocm';
}

export async function probeRocmSmi(options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  const env = options.env ?? process.env;
  if ((options.platform ?? process.platform) !== 'linux') return { gpus: [], problems: [] };
  const smi = (await which('rocm-smi', { nothrow: true, path: env.PATH })) ?? (await which(path.join(rocmRoot(env), 'bin', 'rocm-smi'), { nothrow: true }));
  if (!smi) return { gpus: [], problems: [] };
  const [result, versionFile] = await Promise.all([
    runBounded(smi, ROCM_SMI_ARGS, { env, timeoutMs: options.timeoutMs }),
    readFile(path.join(rocmRoot(env), '.info', 'version'), 'utf8').catch(() => ''),
  ]);
  const gpus = parseRocmSmiJson(result.stdout, parseRocmVersion(versionFile));
  if (gpus.length === 0 && result.exitCode !== 0) {
    return { gpus, problems: [`rocm-smi failed: ${result.timedOut ? 'no answer in time' : firstLine(result.all) || `exit code ${result.exitCode}`}`] };
  }
  return { gpus, problems: [] };
}

/**
 * Parses `rocm-smi --showproductname --showmeminfo vram --showdriverversion --json`: an object of
 * `cardN` entries plus `system`. Key spelling changed across ROCm releases ("Card series" in 5.x,
 * "Card Series" in 6.x), so keys are matched without regard to case.
 */
export function parseRocmSmiJson(text: string, rocmVersion?: string): GpuInfo[] {
  // rocm-smi may print warnings before its JSON.
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(text.slice(start, end + 1));
  } catch {
    return [];
  }
  if (!doc || typeof doc !== 'object') return [];
  const entries = Object.entries(doc as Record<string, unknown>);
  const system = entries.find(([key]) => key.toLowerCase() === 'system')?.[1] as Record<string, unknown> | undefined;
  const cards = entries
    .filter(([key, v]) => /^card\d+$/i.test(key) && v && typeof v === 'object')
    .map(([key, v]) => ({ index: Number(key.slice(4)), fields: v as Record<string, unknown> }))
    .sort((a, b) => a.index - b.index);
  return cards.map(({ index, fields }) => {
    const get = (name: string) => field(fields, name);
    const totalBytes = number(get('VRAM Total Memory (B)'));
    const usedBytes = number(get('VRAM Total Used Memory (B)'));
    const driver = get('Driver version') ?? (system ? field(system, 'Driver version') : undefined);
    const busId = get('PCI Bus');
    return {
      vendor: 'amd',
      model: amdName(get('Card Series'), get('Device Name'), get('Card Model'), index),
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

/** Where pci.ids lacks the card, rocm-smi prints its PCI device id ("0x747e") as the series. */
function amdName(series: string | undefined, deviceName: string | undefined, model: string | undefined, index: number): string {
  const hex = (s?: string) => !s || /^0x[0-9a-f]+$/i.test(s);
  if (!hex(series)) return series!;
  if (!hex(deviceName)) return deviceName!;
  const id = series ?? model;
  return id ? `AMD GPU ${id}` : `AMD GPU ${index}`;
}

/** /opt/rocm/.info/version holds e.g. "6.2.4-120": the release before the build number. */
export function parseRocmVersion(text: string): string | undefined {
  return /^\s*(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

// ---- Apple ----------------------------------------------------------------------------------

export async function probeSystemProfiler(options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  if ((options.platform ?? process.platform) !== 'darwin') return { gpus: [], problems: [] };
  // system_profiler takes a second or more on a cold start.
  const result = await runBounded('/usr/sbin/system_profiler', ['SPDisplaysDataType', '-json'], { env: options.env, timeoutMs: Math.max(options.timeoutMs ?? 0, 20_000) });
  if (result.exitCode !== 0) return { gpus: [], problems: [`system_profiler failed: ${firstLine(result.all) || `exit code ${result.exitCode}`}`] };
  return { gpus: parseSystemProfilerDisplays(result.stdout), problems: [] };
}

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
    const str = (key: string) => (typeof e[key] === 'string' ? (e[key] as string) : undefined);
    // Older macOS names Apple Silicon "kHW_AppleM1Item"; sppci_model always has the real name.
    const name = str('_name');
    const model = str('sppci_model') ?? (name && !name.startsWith('kHW_') ? name : undefined);
    if (!model) continue;
    const vendorText = str('spdisplays_vendor')?.replace(/^sppci_vendor_/i, '');
    const vendor = normaliseVendor(vendorText, model, str('spdisplays_vendor-id'));
    const dedicated = mebibytes(str('spdisplays_vram'));
    const shared = vendor === 'apple' || str('spdisplays_vram_shared') !== undefined || dedicated === undefined;
    const metal = metalName(str('spdisplays_mtlgpufamilysupport') ?? str('spdisplays_metalfamily') ?? str('spdisplays_metal'));
    const cores = number(str('sppci_cores'));
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

// ---- Any vendor (fallback) ------------------------------------------------------------------

export async function probeSystemInformation(): Promise<GpuProbeResult> {
  const { controllers } = await si.graphics();
  return { gpus: gpusFromControllers(controllers), problems: [] };
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
      ...(!sharedMemory && c.memoryFree ? { vramFreeMiB: Math.round(c.memoryFree) } : {}),
      sharedMemory,
      ...(c.driverVersion ? { driverVersion: c.driverVersion } : {}),
      source: 'systeminformation',
    };
  });
}

// ---- Vendors --------------------------------------------------------------------------------

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

// ---- Helpers --------------------------------------------------------------------------------

const MIB = 1024 * 1024;

/** nvidia-smi writes "[N/A]", "[Not Supported]" or "[Insufficient Permissions]" for values it lacks. */
function value(text: string | undefined): string | undefined {
  const v = text?.trim();
  return !v || /^\[.*\]$/.test(v) || v === 'N/A' ? undefined : v;
}

function number(text: unknown): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (typeof text !== 'string' || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

function field(fields: Record<string, unknown>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const hit = Object.entries(fields).find(([key]) => key.toLowerCase() === wanted)?.[1];
  return typeof hit === 'string' && hit.trim() !== '' && hit.trim() !== 'N/A' ? hit.trim() : undefined;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? '';
}
