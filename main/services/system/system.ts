import os from 'node:os';
import path from 'node:path';
import si from 'systeminformation';
import which from 'which';
import type { GpuInfo, HostOs, SystemInfo, ToolInfo } from '../../../shared/system';
import type { MachineProfile } from './compatibility';
import { detectGpus, type GpuProbeOptions, type GpuProbeResult } from '../gpu/inventory';
import { firstLine } from '../gpu/tool-output';
import { detectHostOs } from './host-os';
import { runBounded } from '../os/run-bounded';
import { readDisk } from '../os/disk-space';
import { parseToolVersion } from './tool-version';

export interface ToolCommand {
  command: string;
  args: readonly string[];
}

export interface ToolSpec {
  id: string;
  name: string;
  /** Executable names to look for on PATH, in order of preference; each run with `args`. */
  commands: readonly string[];
  args: readonly string[];
  /** Further candidates outside PATH (Visual Studio's vswhere), each with its own arguments. */
  extra?: (env: NodeJS.ProcessEnv) => ToolCommand[];
  /** Only looked for on these platforms (MSVC on Windows). */
  platforms?: readonly string[];
  /** A failing probe means the tool is absent, not broken: venv is a module python3 may lack. */
  failureMeansMissing?: boolean;
  /** Read the version whatever the exit code: cl.exe exits non-zero when given no file. */
  anyExitCode?: boolean;
}

/** `python3 -m venv` works only with both modules; Debian and Ubuntu ship them apart from python3. */
const VENV_PROBE = 'import ensurepip, venv, sys; print(sys.version.split()[0])';

/** The tools providers need to install and run (the seed spec's prerequisites). */
export const TOOL_SPECS: readonly ToolSpec[] = [
  { id: 'git', name: 'Git', commands: ['git'], args: ['--version'] },
  { id: 'python3', name: 'Python', commands: ['python3', 'python'], args: ['--version'] },
  { id: 'pip', name: 'pip', commands: ['pip3', 'pip'], args: ['--version'] },
  { id: 'venv', name: 'Python venv', commands: ['python3', 'python'], args: ['-c', VENV_PROBE], failureMeansMissing: true },
  { id: 'uv', name: 'uv', commands: ['uv'], args: ['--version'] },
  { id: 'cmake', name: 'CMake', commands: ['cmake'], args: ['--version'] },
  { id: 'make', name: 'Make', commands: ['make', 'gmake'], args: ['--version'] },
  { id: 'gcc', name: 'GCC', commands: ['gcc'], args: ['--version'] },
  { id: 'clang', name: 'Clang', commands: ['clang'], args: ['--version'] },
  {
    id: 'msvc',
    name: 'MSVC (Visual Studio Build Tools)',
    commands: ['cl'],
    args: [],
    anyExitCode: true,
    platforms: ['win32'],
    // cl.exe is on PATH only in a Developer prompt; vswhere finds an installed one anywhere.
    extra: (env) => [
      {
        command: path.win32.join(
          env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)',
          'Microsoft Visual Studio',
          'Installer',
          'vswhere.exe',
        ),
        args: [
          '-latest',
          '-products',
          '*',
          '-requires',
          'Microsoft.VisualStudio.Component.VC.Tools.x86.x64',
          '-property',
          'catalog_productDisplayVersion',
        ],
      },
    ],
  },
  { id: 'go', name: 'Go', commands: ['go'], args: ['version'] },
  { id: 'cargo', name: 'Cargo (Rust)', commands: ['cargo'], args: ['--version'] },
  { id: 'node', name: 'Node.js', commands: ['node'], args: ['--version'] },
  { id: 'npm', name: 'npm', commands: ['npm'], args: ['--version'] },
  { id: 'docker', name: 'Docker', commands: ['docker'], args: ['--version'] },
  { id: 'nvcc', name: 'CUDA compiler (nvcc)', commands: ['nvcc'], args: ['--version'] },
  { id: 'nvidia-smi', name: 'NVIDIA SMI', commands: ['nvidia-smi'], args: ['--version'] },
  { id: 'rocm-smi', name: 'ROCm SMI', commands: ['rocm-smi'], args: ['--version'] },
];

export interface SystemServiceOptions {
  /** The disk that matters is the one holding the base directory. */
  baseDir: string;
  env?: NodeJS.ProcessEnv;
  tools?: readonly ToolSpec[];
  /** A tool that has not answered `--version` by then is reported with an error. */
  toolTimeoutMs?: number;
  /** How GPUs are found; tests pass recorded probes. */
  gpus?: () => Promise<GpuProbeResult>;
  platform?: string;
}

/**
 * Facts about this machine. Tools and GPUs are probed once and cached (a dozen processes);
 * memory and disk are read fresh on every call since they change.
 */
export class SystemService {
  private tools?: Promise<ToolInfo[]>;
  private detection?: Promise<GpuProbeResult>;
  private host?: Promise<HostOs>;
  private staticInfo?: Promise<Pick<SystemInfo, 'os' | 'cpu'>>;

  constructor(private readonly options: SystemServiceOptions) {}

  async info(options: { refresh?: boolean } = {}): Promise<SystemInfo> {
    if (options.refresh || !this.tools) this.tools = this.probeTools();
    this.staticInfo ??= readOsAndCpu();
    const [fixed, memory, disk, tools] = await Promise.all([this.staticInfo, readMemory(), readDisk(this.options.baseDir), this.tools]);
    return { ...fixed, memory, disk, tools, collectedAt: new Date().toISOString() };
  }

  /** GPUs as their vendors' tools report them (nvidia-smi, rocm-smi, system_profiler), others from systeminformation. */
  async gpus(options: { refresh?: boolean } = {}): Promise<GpuInfo[]> {
    return (await this.gpuDetection(options)).gpus;
  }

  /** The GPUs and what went wrong looking for them (a driver nvidia-smi cannot reach). */
  gpuDetection(options: { refresh?: boolean } = {}): Promise<GpuProbeResult> {
    if (options.refresh || !this.detection) {
      const env = this.options.env ?? process.env;
      const probeOptions: GpuProbeOptions = {
        env,
        timeoutMs: this.options.toolTimeoutMs ?? 8000,
        ...(this.options.platform ? { platform: this.options.platform } : {}),
      };
      this.detection = this.options.gpus ? this.options.gpus() : detectGpus(undefined, probeOptions);
    }
    return this.detection;
  }

  /** Which distribution and package manager install hints are written for. */
  hostOs(): Promise<HostOs> {
    this.host ??= (this.staticInfo ??= readOsAndCpu()).then((fixed) =>
      detectHostOs({
        env: this.options.env ?? process.env,
        osName: `${fixed.os.distro} ${fixed.os.release}`.trim(),
        ...(this.options.platform ? { platform: this.options.platform } : {}),
      }),
    );
    return this.host;
  }

  /** Drops what was probed, so the next call looks again (the user installed a tool or a driver). */
  forget(): void {
    this.tools = undefined;
    this.detection = undefined;
  }

  /** What compatibility verdicts are judged against. */
  async machine(options: { refresh?: boolean } = {}): Promise<MachineProfile> {
    if (options.refresh) this.forget();
    const [info, gpus] = await Promise.all([this.info(), this.gpus()]);
    return {
      platform: this.options.platform ?? process.platform,
      arch: process.arch,
      gpus,
      tools: info.tools,
      totalRamBytes: info.memory.totalBytes,
    };
  }

  private probeTools(): Promise<ToolInfo[]> {
    const platform = this.options.platform ?? process.platform;
    const specs = (this.options.tools ?? TOOL_SPECS).filter((spec) => !spec.platforms || spec.platforms.includes(platform));
    return Promise.all(specs.map((spec) => probeTool(spec, this.options)));
  }
}

/**
 * Finds a tool and reads its version. Every candidate found is tried in order until one answers
 * with a version: on Windows `python3` may be the Microsoft Store's stub while `python` is real.
 */
export async function probeTool(spec: ToolSpec, options: Pick<SystemServiceOptions, 'env' | 'toolTimeoutMs'> = {}): Promise<ToolInfo> {
  const env = options.env ?? process.env;
  const base = { id: spec.id, name: spec.name };
  const candidates: ToolCommand[] = [];
  for (const command of spec.commands) {
    const found = await which(command, { nothrow: true, path: env.PATH });
    if (found && !candidates.some((c) => c.command === found)) candidates.push({ command: found, args: spec.args });
  }
  for (const extra of spec.extra?.(env) ?? []) {
    const found = await which(extra.command, { nothrow: true });
    if (found) candidates.push({ command: found, args: extra.args });
  }
  let firstFailure: ToolInfo | undefined;
  for (const candidate of candidates) {
    const result = await runBounded(candidate.command, candidate.args, { env, timeoutMs: options.toolTimeoutMs ?? 8000 });
    const answered = result.exitCode === 0 || (spec.anyExitCode && result.exitCode !== undefined);
    const version = answered ? parseToolVersion(spec.id, result.all) : undefined;
    if (version) return { ...base, found: true, path: candidate.command, version };
    const shown =
      candidate.args.length > 0 && candidate.args[0] !== '-c' ? `"${candidate.args.join(' ')}"` : path.basename(candidate.command);
    const why = result.timedOut
      ? `did not answer ${shown} in time`
      : spec.failureMeansMissing
        ? `${path.basename(candidate.command)}: ${lastLine(result.all) || `exit code ${result.exitCode}`}`
        : `${shown} failed: ${firstLine(result.all) || `exit code ${result.exitCode}`}`;
    firstFailure ??= spec.failureMeansMissing
      ? { ...base, found: false, error: why }
      : { ...base, found: true, path: candidate.command, error: why };
  }
  return firstFailure ?? { ...base, found: false };
}

/** A Python traceback ends with the line that says what went wrong. */
function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1)
      ?.trim()
      .slice(0, 200) ?? ''
  );
}

async function readOsAndCpu(): Promise<Pick<SystemInfo, 'os' | 'cpu'>> {
  const [osInfo, cpu] = await Promise.all([si.osInfo(), si.cpu()]);
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() || [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ');
  return {
    os: {
      platform: osInfo.platform || process.platform,
      distro: osInfo.distro || os.type(),
      release: osInfo.release || os.release(),
      kernel: osInfo.kernel || os.release(),
      arch: osInfo.arch || os.arch(),
      hostname: osInfo.hostname || os.hostname(),
    },
    cpu: {
      model,
      physicalCores: cpu.physicalCores || cpus.length,
      logicalCores: cpus.length || cpu.cores,
      ...(cpu.speed ? { speedGHz: cpu.speed } : {}),
    },
  };
}

async function readMemory(): Promise<SystemInfo['memory']> {
  const mem = await si.mem();
  return { totalBytes: mem.total, freeBytes: mem.free, availableBytes: mem.available };
}
