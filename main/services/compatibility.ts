import type { Compatibility } from '../../shared/provider';
import type { Accelerator, InstallStep, ProviderRecipe } from '../../shared/recipe';
import type { GpuInfo, ToolInfo } from '../../shared/system';

export interface MachineProfile {
  /** `process.platform` / `process.arch` values. */
  platform: string;
  arch: string;
  gpus: readonly GpuInfo[];
  tools: readonly ToolInfo[];
  totalRamBytes: number;
}

const GIB = 1024 ** 3;
const VENDOR_NAMES: Record<string, string> = { nvidia: 'NVIDIA', amd: 'AMD', apple: 'Apple Silicon', intel: 'Intel' };

/**
 * Whether this machine can run a recipe. Only what cannot change without new hardware or another
 * OS makes it unrunnable (OS, CPU architecture, a required GPU); missing tools, VRAM and RAM are
 * warnings, since tools can be installed and what fits depends on the model chosen. Messages
 * carry no final period: callers join them.
 */
export function checkCompatibility(recipe: ProviderRecipe, machine: MachineProfile): Compatibility {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const platform = recipe.platforms.find((p) => p.os === machine.platform);
  if (!platform || !platform.arch.includes(machine.arch as 'x64' | 'arm64')) {
    reasons.push(`${recipe.name} needs ${describePlatforms(recipe.platforms)}; this is ${describePlatform(machine.platform, [machine.arch])}`);
  }
  checkGpu(recipe, machine, reasons, warnings);
  warnings.push(...toolWarnings(recipe, machine.tools));
  const minRam = recipe.requirements.minRamGiB;
  if (minRam && machine.totalRamBytes > 0 && machine.totalRamBytes < minRam * GIB) {
    warnings.push(`${recipe.name} needs ${minRam} GiB of RAM; this machine has ${gib(machine.totalRamBytes)} GiB`);
  }
  return { runnable: reasons.length === 0, reasons, warnings };
}

function checkGpu(recipe: ProviderRecipe, machine: MachineProfile, reasons: string[], warnings: string[]): void {
  const gpu = recipe.requirements.gpu;
  if (!gpu) return;
  // Every vendor name starts with a vowel sound: "an NVIDIA", "an AMD", "an Apple Silicon", "an Intel".
  const wanted = `an ${gpu.vendors.map((v) => VENDOR_NAMES[v]).join(' or ')} GPU`;
  const matching = machine.gpus.filter((g) => (gpu.vendors as readonly string[]).includes(g.vendor));
  if (matching.length === 0) {
    const others = machine.gpus.filter((g) => g.vendor !== 'other').map((g) => g.model);
    const found = others.length > 0 ? `this machine has only ${others.join(', ')}` : 'none found';
    if (gpu.required) reasons.push(`${recipe.name} needs ${wanted}; ${found}`);
    else warnings.push(`${recipe.name} runs without ${wanted}, but slowly; ${found}`);
    return;
  }
  if (!gpu.minVramGiB) return;
  const known = matching.filter((g) => g.vramMiB !== undefined);
  if (known.length === 0) {
    // Apple Silicon and integrated GPUs share system RAM: the model size decides, not a VRAM figure.
    if (matching.every((g) => g.sharedMemory)) return;
    warnings.push(`Could not read the VRAM of ${matching.map((g) => g.model).join(', ')}; ${recipe.name} needs about ${gpu.minVramGiB} GiB`);
    return;
  }
  const largestMiB = Math.max(...known.map((g) => g.vramMiB!));
  if (largestMiB < gpu.minVramGiB * 1024) {
    warnings.push(`${recipe.name} needs ${gpu.minVramGiB} GiB of VRAM; the largest GPU has ${round1(largestMiB / 1024)} GiB`);
  }
}

/** Tools the install needs: the ones listed plus those its strategy implies (git clones, Python venvs). */
export function requiredTools(recipe: ProviderRecipe): Array<{ id: string; min?: string }> {
  const tools = [...recipe.requirements.tools];
  const implied =
    recipe.install.strategy === 'git'
      ? ['git', ...(recipe.install.python ? ['python3'] : [])]
      : recipe.install.strategy === 'python'
        ? ['python3']
        : [];
  for (const id of implied) if (!tools.some((t) => t.id === id)) tools.push({ id });
  return tools;
}

function toolWarnings(recipe: ProviderRecipe, tools: readonly ToolInfo[]): string[] {
  return requiredTools(recipe).flatMap(({ id, min }) => {
    const tool = tools.find((t) => t.id === id);
    const name = tool?.name ?? id;
    const needs = min ? `${name} ${min} or newer` : name;
    if (!tool?.found) return [`Installing ${recipe.name} needs ${needs}; it was not found on PATH`];
    if (!min) return [];
    if (!tool.version) return [`Installing ${recipe.name} needs ${needs}; found ${name} but could not read its version`];
    return compareVersions(tool.version, min) < 0 ? [`Installing ${recipe.name} needs ${needs}; found ${tool.version}`] : [];
  });
}

/** Numeric, part by part: "3.10" > "3.9", "1.86.0-nightly" = "1.86". Negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (/\d+(?:\.\d+)*/.exec(v)?.[0] ?? '0').split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export interface StepTarget {
  platform: string;
  arch: string;
  accelerator: Accelerator;
}

/** Whether an install step's `when` matches the machine it is installed on. */
export function stepApplies(step: Pick<InstallStep, 'when'>, target: StepTarget): boolean {
  const when = step.when;
  if (!when) return true;
  return (
    (!when.os || (when.os as readonly string[]).includes(target.platform)) &&
    (!when.arch || (when.arch as readonly string[]).includes(target.arch)) &&
    (!when.accelerator || when.accelerator.includes(target.accelerator))
  );
}

const OS_NAMES: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

export function describePlatform(os: string, archs: readonly string[]): string {
  const name = OS_NAMES[os] ?? os;
  if (archs.includes('x64') && archs.includes('arm64')) return name;
  if (os === 'darwin') return archs[0] === 'arm64' ? 'macOS on Apple Silicon' : 'macOS on Intel';
  return `${name} ${archs.join('/')}`;
}

function describePlatforms(platforms: ProviderRecipe['platforms']): string {
  const names = platforms.map((p) => describePlatform(p.os, p.arch));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]!;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const gib = (bytes: number) => round1(bytes / GIB);
