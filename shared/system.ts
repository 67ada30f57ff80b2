/**
 * Tools the manager probes. `c-compiler` is not a program: it stands for whichever of gcc, clang or
 * MSVC is found, so a recipe can ask for "a C/C++ compiler" without picking one.
 */
export const TOOL_IDS = [
  'git',
  'python3',
  'pip',
  'venv',
  'uv',
  'cmake',
  'make',
  'gcc',
  'clang',
  'msvc',
  'c-compiler',
  'go',
  'cargo',
  'node',
  'npm',
  'docker',
  'nvcc',
  'nvidia-smi',
  'rocm-smi',
] as const;
export type ToolId = (typeof TOOL_IDS)[number];

/** The compilers `c-compiler` stands for, in the order one is picked when several are found. */
export const C_COMPILER_IDS = ['gcc', 'clang', 'msvc'] as const;

export interface ToolInfo {
  id: string;
  name: string;
  found: boolean;
  /** Absolute path of the executable that was found on PATH. */
  path?: string;
  version?: string;
  /** Why the version could not be read, when the tool exists but did not answer. */
  error?: string;
}

export interface SystemInfo {
  os: {
    platform: string;
    /** Human name, e.g. "Debian GNU/Linux" or "macOS". */
    distro: string;
    release: string;
    kernel: string;
    arch: string;
    hostname: string;
  };
  cpu: {
    model: string;
    physicalCores: number;
    logicalCores: number;
    speedGHz?: number;
  };
  memory: {
    totalBytes: number;
    freeBytes: number;
    /** What the OS could hand out now (free + reclaimable cache). */
    availableBytes: number;
  };
  disk: {
    path: string;
    freeBytes: number;
    totalBytes: number;
  };
  tools: ToolInfo[];
  collectedAt: string;
}

export interface AppInfo {
  name: string;
  version: string;
  mode: 'desktop' | 'headless';
  platform: string;
  pid: number;
  startedAt: string;
  baseDir: string;
  /** Where the app's own log is written (the OS's log folder, or logs/ under a base directory set by HELIX_LOCAL_LLM_DIR). */
  appLogFile: string;
}

export type GpuVendor = 'nvidia' | 'amd' | 'apple' | 'intel' | 'other';

export interface GpuInfo {
  vendor: GpuVendor;
  /** As the OS names it, e.g. "NVIDIA GeForce RTX 4090" or "Apple M2 Pro". */
  model: string;
  /** Dedicated memory; absent when unknown or when the GPU shares system memory (Apple Silicon, most iGPUs). */
  vramMiB?: number;
  /** Shares system RAM instead of having its own (Apple Silicon, integrated graphics). */
  sharedMemory: boolean;
  /** Dedicated memory not in use when it was read (nvidia-smi, rocm-smi). */
  vramFreeMiB?: number;
  driverVersion?: string;
  /** The highest CUDA version the driver supports (nvidia-smi's banner). */
  cudaVersion?: string;
  /** The installed ROCm release, e.g. "6.2.4". */
  rocmVersion?: string;
  /** Metal support as macOS words it, e.g. "Metal 3". */
  metal?: string;
  /** GPU cores (Apple Silicon). */
  cores?: number;
  /** PCI bus id, e.g. "00000000:01:00.0", when the tool reports one. */
  busId?: string;
  /** Which probe reported it: "nvidia-smi", "rocm-smi", "system_profiler" or "systeminformation". */
  source: string;
}

/** Linux distributions grouped by the package manager they share. */
export type LinuxFamily = 'debian' | 'fedora' | 'arch' | 'suse' | 'alpine' | 'other';
export type PackageManager = 'apt' | 'dnf' | 'pacman' | 'zypper' | 'apk' | 'brew' | 'winget' | 'choco';

/** The OS as install hints need it: which distribution, and which package manager to name. */
export interface HostOs {
  /** `process.platform`: linux, darwin, win32. */
  platform: string;
  arch: string;
  /** /etc/os-release ID (debian, ubuntu, fedora, arch, …); "macos" or "windows" elsewhere. */
  distroId: string;
  /** Human name, e.g. "Ubuntu 24.04.1 LTS". */
  distroName: string;
  family?: LinuxFamily;
  /** The package manager hints are written for; absent where none is known (an unknown Linux). */
  packageManager?: PackageManager;
  /** Whether that package manager is on PATH (Homebrew, winget and choco are optional installs). */
  packageManagerFound: boolean;
}

/** How to get a missing or too-old tool: a command to copy, a page to open, or both. */
export interface InstallHint {
  /** What the command uses: a package manager, the project's own install script, or a download. */
  via: PackageManager | 'script' | 'download';
  command?: string;
  url?: string;
  /** Anything the command alone does not say (needs Homebrew first, needs a new shell, …). */
  note?: string;
}

export type ToolStatus = 'ok' | 'missing' | 'too-old' | 'unreadable';

export interface ToolCheck extends ToolInfo {
  status: ToolStatus;
  /** The strictest minimum version among the recipes that need it (or the app's own baseline). */
  min?: string;
  /** Names of the recipes this machine can run whose install needs this tool (empty: nothing needs it). */
  neededBy: string[];
  /** For a tool that is not `ok`, how to get it on this OS. */
  hint?: InstallHint;
}

export type Verdict = 'fits' | 'fits-with-warnings' | 'does-not-fit';

/** A tool a recipe's install needs that this machine lacks or has too old. */
export interface MissingTool {
  id: string;
  name: string;
  status: Exclude<ToolStatus, 'ok'>;
  min?: string;
  found?: string;
}

export interface RecipeVerdict {
  id: string;
  name: string;
  verdict: Verdict;
  /** Why it does not fit (wrong OS or CPU, no GPU of a required vendor). Empty unless `does-not-fit`. */
  reasons: string[];
  /** What may go wrong: tools missing or too old, little VRAM or RAM, no GPU where one helps. */
  warnings: string[];
  /** The tools behind the tool warnings; their hints are in `SystemCheck.tools`. */
  missingTools: MissingTool[];
}

/** The wizard's first page: this machine's OS, tools and GPUs, and what each recipe makes of them. */
export interface SystemCheck {
  os: HostOs;
  tools: ToolCheck[];
  gpus: GpuInfo[];
  /** The accelerator builds are chosen for (nvidia, amd, apple, intel or none). */
  accelerator: 'nvidia' | 'amd' | 'apple' | 'intel' | 'none';
  /** What went wrong while looking for GPUs, e.g. "nvidia-smi failed: … couldn't communicate with the NVIDIA driver". */
  gpuProblems: string[];
  recipes: RecipeVerdict[];
  collectedAt: string;
}
