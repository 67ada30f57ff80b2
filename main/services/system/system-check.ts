import type { ProviderRecipe } from '../../../shared/recipe';
import type { GpuInfo, HostOs, SystemCheck, ToolCheck, ToolInfo, ToolStatus } from '../../../shared/system';
import { findTool, judgeRecipe, requiredTools, type MachineProfile } from './compatibility';
import { mainAccelerator } from '../gpu/vendor';
import { installHint } from './install-hints';
import type { SystemService } from './system';
import { compareVersions } from './version-range';

/** The app's own floor, whatever the recipes say: every Python provider it knows needs 3.10. */
export const BASELINE_MINIMUMS: Readonly<Record<string, string>> = { python3: '3.10' };

export interface SystemCheckInput {
  host: HostOs;
  machine: MachineProfile;
  recipes: readonly ProviderRecipe[];
  gpuProblems?: readonly string[];
  now?: Date;
}

/**
 * The wizard's system check, from facts already gathered: a verdict per recipe, and per tool its
 * status against the strictest minimum of the recipes that can run here, who needs it, and how to
 * get it on this OS. Pure.
 */
export function buildSystemCheck(input: SystemCheckInput): SystemCheck {
  const { host, machine } = input;
  const verdicts = input.recipes.map((recipe) => judgeRecipe(recipe, machine));
  const runnable = input.recipes.filter((_, i) => verdicts[i]!.verdict !== 'does-not-fit');
  const needs = runnable.map((recipe) => ({ name: recipe.name, tools: requiredTools(recipe, machine) }));
  const tools = withCompilerEntry(machine.tools).map((tool) => checkTool(tool, needs, input));
  return {
    os: host,
    tools,
    gpus: [...machine.gpus],
    accelerator: mainAccelerator(machine.gpus),
    gpuProblems: [...(input.gpuProblems ?? [])],
    recipes: verdicts,
    collectedAt: (input.now ?? new Date()).toISOString(),
  };
}

function checkTool(
  tool: ToolInfo,
  needs: Array<{ name: string; tools: Array<{ id: string; min?: string }> }>,
  input: SystemCheckInput,
): ToolCheck {
  const neededBy: string[] = [];
  let min = BASELINE_MINIMUMS[tool.id];
  for (const need of needs) {
    const wanted = need.tools.find((t) => t.id === tool.id);
    if (!wanted) continue;
    neededBy.push(need.name);
    if (wanted.min && (!min || compareVersions(wanted.min, min) > 0)) min = wanted.min;
  }
  neededBy.push(...driverNeeds(tool.id, input.machine.gpus));
  const status = statusOf(tool, min);
  const hint = status === 'ok' ? undefined : installHint(tool.id, input.host, status);
  return { ...tool, status, ...(min ? { min } : {}), neededBy, ...(hint ? { hint } : {}) };
}

/**
 * A GPU seen only by systeminformation means its vendor's tool is missing or broken: without
 * nvidia-smi there is usually no working NVIDIA driver either.
 */
function driverNeeds(toolId: string, gpus: readonly GpuInfo[]): string[] {
  const unseen = (vendor: string, source: string) => gpus.some((g) => g.vendor === vendor && g.source !== source);
  if (toolId === 'nvidia-smi' && unseen('nvidia', 'nvidia-smi')) return ['your NVIDIA GPU (driver)'];
  if (toolId === 'rocm-smi' && unseen('amd', 'rocm-smi') && gpus.some((g) => g.vendor === 'amd' && !g.sharedMemory))
    return ['your AMD GPU (ROCm)'];
  return [];
}

function statusOf(tool: ToolInfo, min: string | undefined): ToolStatus {
  if (!tool.found) return 'missing';
  if (!tool.version) return 'unreadable';
  return min && compareVersions(tool.version, min) < 0 ? 'too-old' : 'ok';
}

/** A `c-compiler` row after the compilers, since recipes ask for "a compiler" rather than one of them. */
function withCompilerEntry(tools: readonly ToolInfo[]): ToolInfo[] {
  const compiler = findTool('c-compiler', tools);
  if (!compiler) return [...tools];
  const after = Math.max(...['gcc', 'clang', 'msvc'].map((id) => tools.findIndex((t) => t.id === id)));
  return [...tools.slice(0, after + 1), compiler, ...tools.slice(after + 1)];
}

/** The system check of this machine, for the recipes given; `refresh` re-probes tools and GPUs. */
export async function checkSystem(
  system: SystemService,
  recipes: readonly ProviderRecipe[],
  options: { refresh?: boolean } = {},
): Promise<SystemCheck> {
  if (options.refresh) system.forget();
  const [machine, host, detection] = await Promise.all([system.machine(), system.hostOs(), system.gpuDetection()]);
  return buildSystemCheck({ host, machine, recipes, gpuProblems: detection.problems });
}
