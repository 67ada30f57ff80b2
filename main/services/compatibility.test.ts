import { describe, expect, it } from 'vitest';
import { RecipeSchema, type ProviderRecipe } from '../../shared/recipe';
import type { GpuInfo, ToolInfo } from '../../shared/system';
import { BUILTIN_RECIPES } from '../catalog/builtin';
import { checkCompatibility, compareVersions, stepApplies, type MachineProfile } from './compatibility';

const GIB = 1024 ** 3;
const recipe = (id: string): ProviderRecipe => RecipeSchema.parse(BUILTIN_RECIPES.find((r) => r.id === id));
const tool = (id: string, name: string, version?: string): ToolInfo => ({ id, name, found: true, path: `/usr/bin/${id}`, ...(version ? { version } : {}) });
const TOOLS = [tool('git', 'Git', '2.43.0'), tool('python3', 'Python 3', '3.11.9'), tool('cmake', 'CMake', '3.28.3'), tool('make', 'Make', '4.3')];

const rtx4090: GpuInfo = { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24564, sharedMemory: false, source: 'test' };
const m2: GpuInfo = { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, source: 'test' };

const LINUX_NO_GPU: MachineProfile = { platform: 'linux', arch: 'x64', gpus: [], tools: TOOLS, totalRamBytes: 32 * GIB };
const LINUX_NVIDIA: MachineProfile = { ...LINUX_NO_GPU, gpus: [rtx4090] };
const MAC_M2: MachineProfile = { platform: 'darwin', arch: 'arm64', gpus: [m2], tools: TOOLS, totalRamBytes: 32 * GIB };

describe('checkCompatibility', () => {
  it('Linux x64 without a GPU: vLLM, MLX-LM and TabbyAPI cannot run; llama.cpp runs, slowly', () => {
    expect(checkCompatibility(recipe('vllm'), LINUX_NO_GPU)).toEqual({
      runnable: false,
      reasons: ['vLLM needs an NVIDIA GPU; none found'],
      warnings: [],
    });
    expect(checkCompatibility(recipe('mlx-lm'), LINUX_NO_GPU)).toEqual({
      runnable: false,
      reasons: ['MLX-LM needs macOS on Apple Silicon; this is Linux x64', 'MLX-LM needs an Apple Silicon GPU; none found'],
      warnings: [],
    });
    expect(checkCompatibility(recipe('tabbyapi'), LINUX_NO_GPU)).toEqual({
      runnable: false,
      reasons: ['TabbyAPI needs an NVIDIA or AMD GPU; none found'],
      warnings: [],
    });
    expect(checkCompatibility(recipe('llamacpp'), LINUX_NO_GPU)).toEqual({
      runnable: true,
      reasons: [],
      warnings: ['llama.cpp server runs without an NVIDIA or Apple Silicon GPU, but slowly; none found'],
    });
  });

  it('Linux x64 with a 24 GiB NVIDIA card: everything but MLX-LM runs', () => {
    for (const id of ['vllm', 'tabbyapi', 'llamacpp']) expect(checkCompatibility(recipe(id), LINUX_NVIDIA)).toEqual({ runnable: true, reasons: [], warnings: [] });
    expect(checkCompatibility(recipe('mlx-lm'), LINUX_NVIDIA)).toEqual({
      runnable: false,
      reasons: ['MLX-LM needs macOS on Apple Silicon; this is Linux x64', 'MLX-LM needs an Apple Silicon GPU; this machine has only NVIDIA GeForce RTX 4090'],
      warnings: [],
    });
  });

  it('macOS on Apple Silicon: MLX-LM and llama.cpp run; vLLM and TabbyAPI do not', () => {
    expect(checkCompatibility(recipe('mlx-lm'), MAC_M2)).toEqual({ runnable: true, reasons: [], warnings: [] });
    expect(checkCompatibility(recipe('llamacpp'), MAC_M2)).toEqual({ runnable: true, reasons: [], warnings: [] });
    expect(checkCompatibility(recipe('vllm'), MAC_M2)).toEqual({
      runnable: false,
      reasons: ['vLLM needs Linux x64; this is macOS on Apple Silicon', 'vLLM needs an NVIDIA GPU; this machine has only Apple M2 Pro'],
      warnings: [],
    });
    expect(checkCompatibility(recipe('tabbyapi'), MAC_M2)).toEqual({
      runnable: false,
      reasons: [
        'TabbyAPI needs Linux x64 or Windows x64; this is macOS on Apple Silicon',
        'TabbyAPI needs an NVIDIA or AMD GPU; this machine has only Apple M2 Pro',
      ],
      warnings: [],
    });
  });

  it('warns, without blocking, about too little VRAM or VRAM it cannot read', () => {
    const small = { ...LINUX_NO_GPU, gpus: [{ ...rtx4090, model: 'GeForce GTX 1650', vramMiB: 4096 }] };
    expect(checkCompatibility(recipe('vllm'), small)).toEqual({
      runnable: true,
      reasons: [],
      warnings: ['vLLM needs 8 GiB of VRAM; the largest GPU has 4 GiB'],
    });
    const { vramMiB: _unknown, ...unread } = rtx4090;
    expect(checkCompatibility(recipe('vllm'), { ...LINUX_NO_GPU, gpus: [unread] }).warnings).toEqual([
      'Could not read the VRAM of NVIDIA GeForce RTX 4090; vLLM needs about 8 GiB',
    ]);
  });

  it('warns about install tools that are missing, too old or did not answer', () => {
    const tools: ToolInfo[] = [
      { id: 'git', name: 'Git', found: false },
      { id: 'cmake', name: 'CMake', found: true, path: '/usr/bin/cmake', version: '3.10.2' },
    ];
    expect(checkCompatibility(recipe('llamacpp'), { ...LINUX_NVIDIA, tools }).warnings).toEqual([
      'Installing llama.cpp server needs CMake 3.14 or newer; found 3.10.2',
      'Installing llama.cpp server needs Git; it was not found on PATH',
    ]);
    const oldPython = [{ ...tool('python3', 'Python 3'), error: '"--version" failed' }];
    expect(checkCompatibility(recipe('vllm'), { ...LINUX_NVIDIA, tools: oldPython }).warnings).toEqual([
      'Installing vLLM needs Python 3 3.10 or newer; found Python 3 but could not read its version',
    ]);
  });

  it('warns about too little RAM', () => {
    const needy = { ...recipe('llamacpp'), requirements: { ...recipe('llamacpp').requirements, minRamGiB: 64 } };
    expect(checkCompatibility(needy, LINUX_NVIDIA).warnings).toEqual(['llama.cpp server needs 64 GiB of RAM; this machine has 32 GiB']);
  });

  it('judges external apps by platform alone', () => {
    expect(checkCompatibility(recipe('lmstudio'), { ...LINUX_NVIDIA, tools: [] })).toEqual({ runnable: true, reasons: [], warnings: [] });
    expect(checkCompatibility(recipe('lmstudio'), { ...MAC_M2, arch: 'x64', gpus: [] }).reasons).toEqual([
      'LM Studio needs macOS on Apple Silicon, Linux or Windows; this is macOS on Intel',
    ]);
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
