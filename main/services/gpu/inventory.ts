import { readFile } from 'node:fs/promises';
import path from 'node:path';
import si, { type Systeminformation } from 'systeminformation';
import which from 'which';
import type { GpuInfo } from '../../../shared/system';
import { runBounded } from '../os/run-bounded';
import { parseSystemProfilerDisplays, SYSTEM_PROFILER_ARGS } from './apple';
import { NVIDIA_QUERY_ARGS, parseCudaVersion, parseNvidiaSmiQuery } from './nvidia';
import { parseRocmSmiJson, parseRocmVersion, ROCM_SMI_ARGS } from './rocm';
import { firstLine } from './tool-output';
import { normaliseVendor } from './vendor';

/**
 * The GPU inventory: what GPUs this machine has (vendor, model, VRAM, driver, CUDA/ROCm/Metal),
 * read once by the system check. Live use of the same GPUs is sampled by `open-live-source.ts`.
 */

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
  const [exact, fallback] = await Promise.all([
    Promise.all(probes.exact.map(safely)),
    probes.fallback ? safely(probes.fallback) : undefined,
  ]);
  const gpus = exact.flatMap((r) => r.gpus);
  const covered = new Set(gpus.map((g) => g.vendor));
  const extra = fallback?.gpus.filter((g) => !covered.has(g.vendor)) ?? [];
  return { gpus: [...gpus, ...extra], problems: [...exact.flatMap((r) => r.problems), ...(fallback?.problems ?? [])] };
}

// ---- The vendor tools (their parsers are in nvidia.ts, rocm.ts, apple.ts) -------------------

export async function probeNvidiaSmi(options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  const env = options.env ?? process.env;
  const smi = await which('nvidia-smi', { nothrow: true, path: env.PATH });
  if (!smi) return { gpus: [], problems: [] };
  // --query-gpu has no CUDA column: the version the driver supports is in the plain banner.
  const [query, banner] = await Promise.all([
    runBounded(smi, NVIDIA_QUERY_ARGS, { env, timeoutMs: options.timeoutMs }),
    runBounded(smi, [], { env, timeoutMs: options.timeoutMs }),
  ]);
  if (query.exitCode !== 0) return { gpus: [], problems: [failed('nvidia-smi', query)] };
  return { gpus: parseNvidiaSmiQuery(query.stdout, parseCudaVersion(banner.all)), problems: [] };
}

/** ROCm installs under /opt/rocm without always putting its bin/ on PATH. */
export function rocmRoot(env: NodeJS.ProcessEnv): string {
  return env.ROCM_PATH || '/opt/rocm';
}

export async function probeRocmSmi(options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  const env = options.env ?? process.env;
  if ((options.platform ?? process.platform) !== 'linux') return { gpus: [], problems: [] };
  const smi =
    (await which('rocm-smi', { nothrow: true, path: env.PATH })) ??
    (await which(path.join(rocmRoot(env), 'bin', 'rocm-smi'), { nothrow: true }));
  if (!smi) return { gpus: [], problems: [] };
  const [result, versionFile] = await Promise.all([
    runBounded(smi, ROCM_SMI_ARGS, { env, timeoutMs: options.timeoutMs }),
    readFile(path.join(rocmRoot(env), '.info', 'version'), 'utf8').catch(() => ''),
  ]);
  const gpus = parseRocmSmiJson(result.stdout, parseRocmVersion(versionFile));
  if (gpus.length === 0 && result.exitCode !== 0) {
    return { gpus, problems: [failed('rocm-smi', result)] };
  }
  return { gpus, problems: [] };
}

export async function probeSystemProfiler(options: GpuProbeOptions = {}): Promise<GpuProbeResult> {
  if ((options.platform ?? process.platform) !== 'darwin') return { gpus: [], problems: [] };
  // system_profiler takes a second or more on a cold start.
  const result = await runBounded('/usr/sbin/system_profiler', SYSTEM_PROFILER_ARGS, {
    env: options.env,
    timeoutMs: Math.max(options.timeoutMs ?? 0, 20_000),
  });
  if (result.exitCode !== 0) return { gpus: [], problems: [failed('system_profiler', result)] };
  return { gpus: parseSystemProfilerDisplays(result.stdout), problems: [] };
}

/** "nvidia-smi failed: <its first line>", or why there is none. */
function failed(tool: string, result: { exitCode?: number; timedOut?: boolean; all: string }): string {
  return `${tool} failed: ${result.timedOut ? 'no answer in time' : firstLine(result.all) || `exit code ${result.exitCode}`}`;
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
