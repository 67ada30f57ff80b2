import type { Compatibility } from '../../../shared/provider';
import type { Accelerator, InstallStep, ProviderRecipe } from '../../../shared/recipe';
import { C_COMPILER_IDS, type GpuInfo, type MissingTool, type RecipeVerdict, type ToolInfo, type Verdict } from '../../../shared/system';
import { mainAccelerator } from '../gpu/vendor';
import { compareVersions, satisfiesPython } from './version-range';

export { compareVersions } from './version-range';

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
  const { reasons, warnings, verdict } = judgeRecipe(recipe, machine);
  return { runnable: verdict !== 'does-not-fit', reasons, warnings };
}

/** `checkCompatibility` with a three-way verdict and the tools behind its warnings. */
export function judgeRecipe(recipe: ProviderRecipe, machine: MachineProfile): RecipeVerdict {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const platform = recipe.platforms.find((p) => p.os === machine.platform);
  if (!platform || !platform.arch.includes(machine.arch as 'x64' | 'arm64')) {
    reasons.push(
      `${recipe.name} needs ${describePlatforms(recipe.platforms)}; this is ${describePlatform(machine.platform, [machine.arch])}`,
    );
  }
  checkGpu(recipe, machine, reasons, warnings);
  const missingTools = reasons.length === 0 ? toolProblems(recipe, machine) : [];
  warnings.push(...missingTools.map((tool) => describeToolProblem(tool, recipe)));
  const python = pythonRangeProblem(recipe, machine);
  if (python && reasons.length === 0) warnings.push(python);
  const minRam = recipe.requirements.minRamGiB;
  if (minRam && machine.totalRamBytes > 0 && machine.totalRamBytes < minRam * GIB) {
    warnings.push(`${recipe.name} needs ${minRam} GiB of RAM; this machine has ${gib(machine.totalRamBytes)} GiB`);
  }
  const verdict: Verdict = reasons.length > 0 ? 'does-not-fit' : warnings.length > 0 ? 'fits-with-warnings' : 'fits';
  return { id: recipe.id, name: recipe.name, verdict, reasons, warnings, missingTools };
}

function checkGpu(recipe: ProviderRecipe, machine: MachineProfile, reasons: string[], warnings: string[]): void {
  const gpu = recipe.requirements.gpu;
  if (!gpu) return;
  // Every vendor name starts with a vowel sound: "an NVIDIA", "an AMD", "an Apple Silicon", "an Intel".
  const wanted = `an ${orList(gpu.vendors.map((v) => VENDOR_NAMES[v]!))} GPU`;
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
    warnings.push(
      `Could not read the VRAM of ${matching.map((g) => g.model).join(', ')}; ${recipe.name} needs about ${gpu.minVramGiB} GiB`,
    );
    return;
  }
  const largestMiB = Math.max(...known.map((g) => g.vramMiB!));
  if (largestMiB < gpu.minVramGiB * 1024) {
    warnings.push(`${recipe.name} needs ${gpu.minVramGiB} GiB of VRAM; the largest GPU has ${round1(largestMiB / 1024)} GiB`);
  }
}

/** Tools that run a build step themselves when they are its program (`cmake …`, `cargo build …`). */
const STEP_TOOLS = new Set(['git', 'cmake', 'make', 'go', 'cargo', 'node', 'npm', 'docker', 'uv']);

/**
 * Tools the install needs on this machine: the ones the recipe lists (those whose `when` matches),
 * those its strategy implies (git clones, Python venvs) and the programs its applicable build
 * steps run. Without a machine, every conditional tool counts.
 */
export function requiredTools(
  recipe: ProviderRecipe,
  machine?: Pick<MachineProfile, 'platform' | 'arch' | 'gpus'>,
): Array<{ id: string; min?: string }> {
  const target = machine && { platform: machine.platform, arch: machine.arch, accelerator: mainAccelerator(machine.gpus) };
  const applies = (item: Pick<InstallStep, 'when'>) => !target || stepApplies(item, target);
  const tools: Array<{ id: string; min?: string }> = recipe.requirements.tools
    .filter(applies)
    .map(({ id, min }) => (min ? { id, min } : { id }));
  const install = recipe.install;
  const implied: string[] = [];
  if (install.strategy === 'git') implied.push('git', ...(install.python ? ['python3', 'venv'] : []));
  if (install.strategy === 'python') implied.push('python3', 'venv');
  if (install.strategy === 'git' || install.strategy === 'python') {
    for (const step of install.build.filter(applies)) if (STEP_TOOLS.has(step.argv[0]!)) implied.push(step.argv[0]!);
  }
  for (const id of implied) if (!tools.some((t) => t.id === id)) tools.push({ id });
  return tools;
}

/**
 * The tool as the machine has it. `c-compiler` is whichever of gcc, clang or MSVC answered, so a
 * recipe that needs "a compiler" is satisfied by any.
 */
export function findTool(id: string, tools: readonly ToolInfo[]): ToolInfo | undefined {
  if (id !== 'c-compiler') return tools.find((t) => t.id === id);
  const name = 'C/C++ compiler';
  const found = C_COMPILER_IDS.map((c) => tools.find((t) => t.id === c)).filter((t): t is ToolInfo => t !== undefined);
  const working = found.find((t) => t.found && t.version) ?? found.find((t) => t.found);
  if (working) return { ...working, id, name: `${name} (${working.name})` };
  return found.length > 0 ? { id, name, found: false } : undefined;
}

function toolProblems(recipe: ProviderRecipe, machine: MachineProfile): MissingTool[] {
  return requiredTools(recipe, machine).flatMap(({ id, min }): MissingTool[] => {
    const tool = findTool(id, machine.tools);
    const name = tool?.name ?? TOOL_NAMES[id] ?? id;
    const base = { id, name, ...(min ? { min } : {}) };
    if (!tool?.found) return [{ ...base, status: 'missing' }];
    if (!min) return [];
    if (!tool.version) return [{ ...base, status: 'unreadable' }];
    return compareVersions(tool.version, min) < 0 ? [{ ...base, status: 'too-old', found: tool.version }] : [];
  });
}

/** Names for tools a machine profile may not list (tests, or a tool probed on another OS). */
const TOOL_NAMES: Record<string, string> = { 'c-compiler': 'C/C++ compiler', python3: 'Python', venv: 'Python venv' };

function describeToolProblem(tool: MissingTool, recipe: ProviderRecipe): string {
  switch (tool.status) {
    case 'missing':
      return `${tool.name} not found; installing ${recipe.name} needs it${tool.min ? ` (${tool.min} or newer)` : ''}`;
    case 'too-old':
      return `${tool.name} ${tool.found} found, ${tool.min} needed`;
    case 'unreadable':
      return `${tool.name} found, but its version could not be read; ${tool.min} or newer needed`;
  }
}

/** The recipe's Python range (">=3.10,<3.14") against the python3 found, when both are known. */
function pythonRangeProblem(recipe: ProviderRecipe, machine: MachineProfile): string | undefined {
  const range = recipe.install.strategy === 'git' || recipe.install.strategy === 'python' ? recipe.install.python : undefined;
  const python = machine.tools.find((t) => t.id === 'python3');
  if (!range || !python?.version || satisfiesPython(python.version, range)) return undefined;
  // The minimum alone is already reported as "too old" by the tool check.
  const min = recipe.requirements.tools.find((t) => t.id === 'python3')?.min;
  if (min && compareVersions(python.version, min) < 0) return undefined;
  return `Python ${python.version} found; ${recipe.name} needs Python ${range}`;
}

export interface StepTarget {
  platform: string;
  arch: string;
  accelerator: Accelerator;
}

/** Whether an install step's (or a required tool's) `when` matches the machine it is installed on. */
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
  return orList(platforms.map((p) => describePlatform(p.os, p.arch)));
}

/** "A", "A or B", "A, B or C". */
function orList(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const gib = (bytes: number) => round1(bytes / GIB);
