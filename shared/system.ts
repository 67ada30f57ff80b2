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
  driverVersion?: string;
  /** Which probe reported it: "systeminformation" now; "nvidia-smi" and "rocm-smi" when those parsers land. */
  source: string;
}
