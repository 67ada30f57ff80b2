import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { execa } from 'execa';
import si from 'systeminformation';
import which from 'which';
import type { SystemInfo, ToolInfo } from '../../shared/system';
import { killGroupsNow } from './process-tree';
import { parseToolVersion } from './tool-version';

export interface ToolSpec {
  id: string;
  name: string;
  /** Executable names to look for on PATH, in order of preference. */
  commands: string[];
  args: string[];
}

/** The tools providers need to install and run (the seed spec's prerequisites). */
export const TOOL_SPECS: readonly ToolSpec[] = [
  { id: 'git', name: 'Git', commands: ['git'], args: ['--version'] },
  { id: 'python3', name: 'Python 3', commands: ['python3', 'python'], args: ['--version'] },
  { id: 'pip', name: 'pip', commands: ['pip3', 'pip'], args: ['--version'] },
  { id: 'uv', name: 'uv', commands: ['uv'], args: ['--version'] },
  { id: 'cmake', name: 'CMake', commands: ['cmake'], args: ['--version'] },
  { id: 'make', name: 'Make', commands: ['make', 'gmake'], args: ['--version'] },
  { id: 'gcc', name: 'GCC', commands: ['gcc'], args: ['--version'] },
  { id: 'clang', name: 'Clang', commands: ['clang'], args: ['--version'] },
  { id: 'go', name: 'Go', commands: ['go'], args: ['version'] },
  { id: 'cargo', name: 'Cargo (Rust)', commands: ['cargo'], args: ['--version'] },
  { id: 'node', name: 'Node.js', commands: ['node'], args: ['--version'] },
  { id: 'docker', name: 'Docker', commands: ['docker'], args: ['--version'] },
  { id: 'nvcc', name: 'CUDA compiler (nvcc)', commands: ['nvcc'], args: ['--version'] },
  { id: 'nvidia-smi', name: 'NVIDIA SMI', commands: ['nvidia-smi'], args: ['--version'] },
];

export interface SystemServiceOptions {
  /** The disk that matters is the one holding the base directory. */
  baseDir: string;
  env?: NodeJS.ProcessEnv;
  tools?: readonly ToolSpec[];
  /** A tool that has not answered `--version` by then is reported with an error. */
  toolTimeoutMs?: number;
}

/**
 * Facts about this machine. Tools are probed once and cached (a dozen processes); memory and
 * disk are read fresh on every call since they change.
 */
export class SystemService {
  private tools?: Promise<ToolInfo[]>;
  private staticInfo?: Promise<Pick<SystemInfo, 'os' | 'cpu'>>;

  constructor(private readonly options: SystemServiceOptions) {}

  async info(options: { refresh?: boolean } = {}): Promise<SystemInfo> {
    if (options.refresh || !this.tools) this.tools = this.probeTools();
    this.staticInfo ??= readOsAndCpu();
    const [fixed, memory, disk, tools] = await Promise.all([
      this.staticInfo,
      readMemory(),
      readDisk(this.options.baseDir),
      this.tools,
    ]);
    return { ...fixed, memory, disk, tools, collectedAt: new Date().toISOString() };
  }

  private probeTools(): Promise<ToolInfo[]> {
    const specs = this.options.tools ?? TOOL_SPECS;
    return Promise.all(specs.map((spec) => probeTool(spec, this.options)));
  }
}

export async function probeTool(spec: ToolSpec, options: Pick<SystemServiceOptions, 'env' | 'toolTimeoutMs'> = {}): Promise<ToolInfo> {
  const env = options.env ?? process.env;
  let found: string | undefined;
  for (const command of spec.commands) {
    found = (await which(command, { nothrow: true, path: env.PATH })) ?? undefined;
    if (found) break;
  }
  const base = { id: spec.id, name: spec.name };
  if (!found) return { ...base, found: false };
  // Our own timer, not execa's: a wrapper script's grandchild would keep the pipes open past a
  // plain kill, so the whole process group goes.
  const child = execa(found, spec.args, { env, reject: false, all: true, stdin: 'ignore', detached: process.platform !== 'win32' });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) killGroupsNow([child.pid]);
  }, options.toolTimeoutMs ?? 8000);
  const result = await child;
  clearTimeout(timer);
  const output = result.all ?? '';
  const version = result.exitCode === 0 ? parseToolVersion(spec.id, output) : undefined;
  if (version) return { ...base, found: true, path: found, version };
  const why = timedOut
    ? `did not answer "${spec.args.join(' ')}" in time`
    : `"${spec.args.join(' ')}" failed: ${firstLine(output) || `exit code ${result.exitCode}`}`;
  return { ...base, found: true, path: found, error: why };
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? '';
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

async function readDisk(dir: string): Promise<SystemInfo['disk']> {
  const stats = await statfs(dir);
  return { path: dir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}
