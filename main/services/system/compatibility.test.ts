import { describe, expect, it } from 'vitest';
import { RecipeSchema, type ProviderRecipe } from '../../../shared/recipe';
import type { GpuInfo, ToolInfo, Verdict } from '../../../shared/system';
import { absent, GIB, PARSED_BUILTIN_RECIPES as RECIPES, tool } from '../../../test/machine-fixture';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import {
  checkCompatibility,
  compareVersions,
  findTool,
  judgeRecipe,
  requiredTools,
  stepApplies,
  type MachineProfile,
} from './compatibility';

const recipe = (id: string): ProviderRecipe => RECIPES.find((r) => r.id === id)!;

/** A Linux workstation with the usual build tools, but a Rust older than mistral.rs needs. */
const LINUX_TOOLS = [
  tool('git', 'Git', '2.43.0'),
  tool('python3', 'Python', '3.11.9'),
  tool('venv', 'Python venv', '3.11.9'),
  tool('cmake', 'CMake', '3.28.3'),
  tool('make', 'Make', '4.3'),
  tool('gcc', 'GCC', '13.2.0'),
  absent('clang', 'Clang'),
  tool('cargo', 'Cargo (Rust)', '1.75.0'),
  absent('nvcc', 'CUDA compiler (nvcc)'),
];
const MAC_TOOLS = [
  tool('git', 'Git', '2.39.3'),
  tool('python3', 'Python', '3.12.4'),
  tool('venv', 'Python venv', '3.12.4'),
  tool('cmake', 'CMake', '3.30.2'),
  tool('make', 'Make', '3.81'),
  absent('gcc', 'GCC'),
  tool('clang', 'Clang', '15.0.0'),
  tool('cargo', 'Cargo (Rust)', '1.88.0'),
];

const rtx4090: GpuInfo = {
  vendor: 'nvidia',
  model: 'NVIDIA GeForce RTX 4090',
  vramMiB: 24564,
  sharedMemory: false,
  cudaVersion: '12.4',
  source: 'nvidia-smi',
};
const m2: GpuInfo = { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, metal: 'Metal 3', source: 'system_profiler' };

const LINUX_NO_GPU: MachineProfile = { platform: 'linux', arch: 'x64', gpus: [], tools: LINUX_TOOLS, totalRamBytes: 32 * GIB };
const LINUX_NVIDIA: MachineProfile = {
  ...LINUX_NO_GPU,
  gpus: [rtx4090],
  tools: LINUX_TOOLS.map((t) => (t.id === 'nvcc' ? tool('nvcc', 'CUDA compiler (nvcc)', '12.4.131') : t)),
};
const MAC_M2: MachineProfile = { platform: 'darwin', arch: 'arm64', gpus: [m2], tools: MAC_TOOLS, totalRamBytes: 32 * GIB };

const verdicts = (machine: MachineProfile): Record<string, Verdict> =>
  Object.fromEntries(RECIPES.map((r) => [r.id, judgeRecipe(r, machine).verdict]));

describe('verdicts across the built-in recipes', () => {
  it('Linux x64 without a GPU: GPU-only engines do not fit; the rest fit with a warning that they run slowly', () => {
    expect(verdicts(LINUX_NO_GPU)).toEqual({
      engine: 'fits-with-warnings',
      ollama: 'fits-with-warnings',
      llamacpp: 'fits-with-warnings',
      lmstudio: 'fits-with-warnings',
      vllm: 'does-not-fit',
      localai: 'fits-with-warnings',
      fastchat: 'does-not-fit',
      textgen: 'fits-with-warnings',
      jan: 'fits-with-warnings',
      koboldcpp: 'fits-with-warnings',
      gpt4all: 'fits-with-warnings',
      tabbyapi: 'does-not-fit',
      'mlx-lm': 'does-not-fit',
      mistralrs: 'fits-with-warnings',
      'llama-swap': 'fits-with-warnings',
    });
    expect(judgeRecipe(recipe('vllm'), LINUX_NO_GPU)).toEqual({
      id: 'vllm',
      name: 'vLLM',
      verdict: 'does-not-fit',
      reasons: ['vLLM needs an NVIDIA GPU; none found'],
      warnings: [],
      missingTools: [],
    });
    expect(judgeRecipe(recipe('engine'), LINUX_NO_GPU).warnings).toEqual([
      'Built-in engine runs without an NVIDIA, AMD, Apple Silicon or Intel GPU, but slowly; none found',
    ]);
    expect(judgeRecipe(recipe('mistralrs'), LINUX_NO_GPU)).toMatchObject({
      warnings: [
        'mistral.rs runs without an NVIDIA or Apple Silicon GPU, but slowly; none found',
        'Cargo (Rust) 1.75.0 found, 1.86 needed',
      ],
      missingTools: [{ id: 'cargo', name: 'Cargo (Rust)', status: 'too-old', min: '1.86', found: '1.75.0' }],
    });
  });

  it('Linux x64 with one 24 GB NVIDIA card: everything fits but MLX-LM, and mistral.rs warns about its old Rust', () => {
    expect(verdicts(LINUX_NVIDIA)).toEqual({
      engine: 'fits',
      ollama: 'fits',
      llamacpp: 'fits',
      lmstudio: 'fits',
      vllm: 'fits',
      localai: 'fits',
      fastchat: 'fits',
      textgen: 'fits',
      jan: 'fits',
      koboldcpp: 'fits',
      gpt4all: 'fits',
      tabbyapi: 'fits',
      'mlx-lm': 'does-not-fit',
      mistralrs: 'fits-with-warnings',
      'llama-swap': 'fits',
    });
    expect(judgeRecipe(recipe('mlx-lm'), LINUX_NVIDIA).reasons).toEqual([
      'MLX-LM needs macOS on Apple Silicon; this is Linux x64',
      'MLX-LM needs an Apple Silicon GPU; this machine has only NVIDIA GeForce RTX 4090',
    ]);
  });

  it('macOS on Apple Silicon: MLX-LM fits; vLLM, FastChat and TabbyAPI do not; textgen warns that Python 3.12 is outside its range', () => {
    expect(verdicts(MAC_M2)).toEqual({
      engine: 'fits',
      ollama: 'fits',
      llamacpp: 'fits',
      lmstudio: 'fits',
      vllm: 'does-not-fit',
      localai: 'fits',
      fastchat: 'does-not-fit',
      textgen: 'fits-with-warnings',
      jan: 'fits',
      koboldcpp: 'fits',
      gpt4all: 'fits',
      tabbyapi: 'does-not-fit',
      'mlx-lm': 'fits',
      mistralrs: 'fits',
      'llama-swap': 'fits',
    });
    expect(judgeRecipe(recipe('vllm'), MAC_M2).reasons).toEqual([
      'vLLM needs Linux x64; this is macOS on Apple Silicon',
      'vLLM needs an NVIDIA GPU; this machine has only Apple M2 Pro',
    ]);
    expect(judgeRecipe(recipe('tabbyapi'), MAC_M2).reasons).toEqual([
      'TabbyAPI needs Linux x64 or Windows x64; this is macOS on Apple Silicon',
      'TabbyAPI needs an NVIDIA or AMD GPU; this machine has only Apple M2 Pro',
    ]);
    expect(judgeRecipe(recipe('textgen'), MAC_M2).warnings).toEqual([
      'Python 3.12.4 found; Text Generation WebUI needs Python >=3.11,<3.12',
    ]);
  });

  it("macOS's own Python 3.9 is too old for MLX-LM: a warning naming both versions", () => {
    const oldPython = MAC_TOOLS.map((t) => (t.id === 'python3' || t.id === 'venv' ? { ...t, version: '3.9.6' } : t));
    expect(judgeRecipe(recipe('mlx-lm'), { ...MAC_M2, tools: oldPython })).toEqual({
      id: 'mlx-lm',
      name: 'MLX-LM',
      verdict: 'fits-with-warnings',
      reasons: [],
      warnings: ['Python 3.9.6 found, 3.10 needed'],
      missingTools: [{ id: 'python3', name: 'Python', status: 'too-old', min: '3.10', found: '3.9.6' }],
    });
  });
});

describe('checkCompatibility', () => {
  it('is the verdict as runnable, reasons and warnings', () => {
    expect(checkCompatibility(recipe('vllm'), LINUX_NO_GPU)).toEqual({
      runnable: false,
      reasons: ['vLLM needs an NVIDIA GPU; none found'],
      warnings: [],
    });
    expect(checkCompatibility(recipe('llamacpp'), LINUX_NO_GPU)).toEqual({
      runnable: true,
      reasons: [],
      warnings: ['llama.cpp server runs without an NVIDIA or Apple Silicon GPU, but slowly; none found'],
    });
    expect(checkCompatibility(recipe('llamacpp'), LINUX_NVIDIA)).toEqual({ runnable: true, reasons: [], warnings: [] });
  });

  it('warns, without blocking, about too little VRAM or VRAM it cannot read', () => {
    const small = { ...LINUX_NVIDIA, gpus: [{ ...rtx4090, model: 'GeForce GTX 1650', vramMiB: 4096 }] };
    expect(checkCompatibility(recipe('vllm'), small)).toEqual({
      runnable: true,
      reasons: [],
      warnings: ['vLLM needs 8 GiB of VRAM; the largest GPU has 4 GiB'],
    });
    const { vramMiB: _unknown, ...unread } = rtx4090;
    expect(checkCompatibility(recipe('vllm'), { ...LINUX_NVIDIA, gpus: [unread] }).warnings).toEqual([
      'Could not read the VRAM of NVIDIA GeForce RTX 4090; vLLM needs about 8 GiB',
    ]);
  });

  it('warns about install tools that are missing, too old or did not answer, and names them', () => {
    const tools: ToolInfo[] = [
      absent('git', 'Git'),
      { id: 'cmake', name: 'CMake', found: true, path: '/usr/bin/cmake', version: '3.10.2' },
      tool('gcc', 'GCC', '13.2.0'),
      tool('nvcc', 'nvcc', '12.4'),
    ];
    const verdict = judgeRecipe(recipe('llamacpp'), { ...LINUX_NVIDIA, tools });
    expect(verdict.warnings).toEqual(['CMake 3.10.2 found, 3.14 needed', 'Git not found; installing llama.cpp server needs it']);
    expect(verdict.missingTools.map((t) => [t.id, t.status])).toEqual([
      ['cmake', 'too-old'],
      ['git', 'missing'],
    ]);
    const unreadable = [{ ...tool('python3', 'Python'), error: '"--version" failed' }, tool('venv', 'Python venv', '3.11.9')];
    expect(checkCompatibility(recipe('vllm'), { ...LINUX_NVIDIA, tools: unreadable }).warnings).toEqual([
      'Python found, but its version could not be read; 3.10 or newer needed',
    ]);
  });

  it('needs nvcc for CUDA builds only, and any one C compiler', () => {
    const noNvcc = LINUX_NVIDIA.tools.filter((t) => t.id !== 'nvcc');
    expect(judgeRecipe(recipe('llamacpp'), { ...LINUX_NVIDIA, tools: noNvcc }).warnings).toEqual([
      'nvcc not found; installing llama.cpp server needs it',
    ]);
    const noCompiler = LINUX_NVIDIA.tools.filter((t) => t.id !== 'gcc');
    expect(judgeRecipe(recipe('koboldcpp'), { ...LINUX_NVIDIA, tools: noCompiler }).warnings).toEqual([
      'C/C++ compiler not found; installing KoboldCpp needs it',
    ]);
    // Only clang: still a compiler.
    const onlyClang = noCompiler.map((t) => (t.id === 'clang' ? tool('clang', 'Clang', '18.1.3') : t));
    expect(judgeRecipe(recipe('koboldcpp'), { ...LINUX_NVIDIA, tools: onlyClang }).warnings).toEqual([]);
  });

  it('warns about too little RAM', () => {
    const needy = { ...recipe('llamacpp'), requirements: { ...recipe('llamacpp').requirements, minRamGiB: 64 } };
    expect(checkCompatibility(needy, LINUX_NVIDIA).warnings).toEqual(['llama.cpp server needs 64 GiB of RAM; this machine has 32 GiB']);
  });

  it('judges external apps by platform and GPU alone', () => {
    expect(checkCompatibility(recipe('lmstudio'), { ...LINUX_NVIDIA, tools: [] })).toEqual({ runnable: true, reasons: [], warnings: [] });
    expect(checkCompatibility(recipe('lmstudio'), { ...MAC_M2, arch: 'x64', gpus: [] }).reasons).toEqual([
      'LM Studio needs macOS on Apple Silicon, Linux or Windows; this is macOS on Intel',
    ]);
  });
});

describe('requiredTools', () => {
  it('adds what the strategy implies and the programs of the build steps that apply here', () => {
    expect(requiredTools(recipe('vllm'))).toEqual([{ id: 'python3', min: '3.10' }, { id: 'venv' }]);
    expect(requiredTools(recipe('llamacpp'), LINUX_NVIDIA)).toEqual([
      { id: 'cmake', min: '3.14' },
      { id: 'c-compiler' },
      { id: 'nvcc' },
      { id: 'git' },
    ]);
    expect(requiredTools(recipe('llamacpp'), MAC_M2)).toEqual([{ id: 'cmake', min: '3.14' }, { id: 'c-compiler' }, { id: 'git' }]);
    expect(requiredTools(recipe('koboldcpp'), LINUX_NO_GPU)).toEqual([
      { id: 'make' },
      { id: 'c-compiler' },
      { id: 'git' },
      { id: 'python3' },
      { id: 'venv' },
    ]);
    expect(requiredTools(recipe('ollama'))).toEqual([]);
  });

  it('are checked by the recipe schema: a known tool id, a plain version, and a `when` like a step', () => {
    const withTools = (tools: unknown) =>
      RecipeSchema.safeParse({ ...BUILTIN_RECIPES.find((r) => r.id === 'llamacpp'), requirements: { tools } });
    expect(
      withTools([
        { id: 'cmake', min: '3.14' },
        { id: 'nvcc', when: { accelerator: ['nvidia'] } },
      ]).success,
    ).toBe(true);
    const typo = withTools([{ id: 'cmak' }]);
    expect(typo.success ? '' : typo.error.issues[0]!.message).toMatch(/^must be one of git, python3, pip, venv, uv, cmake/);
    const badMin = withTools([{ id: 'cmake', min: '>=3.14' }]);
    expect(badMin.success ? '' : badMin.error.issues[0]!.message).toBe('must be a version like 3.10 or 1.86.0');
    expect(withTools([{ id: 'nvcc', when: { gpu: 'nvidia' } }]).success).toBe(false);
  });
});

describe('findTool', () => {
  it('answers c-compiler with the first working compiler', () => {
    expect(findTool('c-compiler', MAC_TOOLS)).toMatchObject({
      id: 'c-compiler',
      name: 'C/C++ compiler (Clang)',
      found: true,
      version: '15.0.0',
    });
    expect(findTool('c-compiler', [absent('gcc', 'GCC')])).toEqual({ id: 'c-compiler', name: 'C/C++ compiler', found: false });
    expect(findTool('c-compiler', [])).toBeUndefined();
    expect(findTool('git', LINUX_TOOLS)?.version).toBe('2.43.0');
  });
});

describe('compareVersions', () => {
  it.each([
    ['3.10', '3.9', 1],
    ['3.9.18', '3.10', -1],
    ['1.86.0-nightly', '1.86', 0],
    ['v2.43.0', '2.43', 0],
    ['3.28.3', '3.14', 1],
    ['garbage', '1', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('stepApplies', () => {
  const linuxNvidia = { platform: 'linux', arch: 'x64', accelerator: 'nvidia' } as const;
  it('matches every field given and nothing else', () => {
    expect(stepApplies({}, linuxNvidia)).toBe(true);
    expect(stepApplies({ when: { accelerator: ['nvidia'] } }, linuxNvidia)).toBe(true);
    expect(stepApplies({ when: { accelerator: ['amd', 'none'] } }, linuxNvidia)).toBe(false);
    expect(stepApplies({ when: { os: ['linux'], arch: ['arm64'] } }, linuxNvidia)).toBe(false);
    expect(stepApplies({ when: { os: ['darwin', 'linux'], accelerator: ['nvidia'] } }, linuxNvidia)).toBe(true);
  });
});
