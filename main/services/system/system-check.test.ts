import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GpuInfo, HostOs, ToolCheck, ToolInfo } from '../../../shared/system';
import { tempDir } from '../../../test/temp-dir';
import { absent, GIB, MAC_HOST, PARSED_BUILTIN_RECIPES as RECIPES, tool } from '../../../test/machine-fixture';
import type { MachineProfile } from './compatibility';
import { installHint } from './install-hints';
import { SystemService, TOOL_SPECS } from './system';
import { buildSystemCheck, checkSystem } from './system-check';

const UBUNTU: HostOs = {
  platform: 'linux',
  arch: 'x64',
  distroId: 'ubuntu',
  distroName: 'Ubuntu 24.04.1 LTS',
  family: 'debian',
  packageManager: 'apt',
  packageManagerFound: true,
};
const MAC = MAC_HOST;

const LINUX_TOOLS: ToolInfo[] = [
  tool('git', 'Git', '2.43.0'),
  tool('python3', 'Python', '3.10.12'),
  absent('venv', 'Python venv'),
  tool('cmake', 'CMake', '3.28.3'),
  tool('make', 'Make', '4.3'),
  tool('gcc', 'GCC', '13.2.0'),
  absent('clang', 'Clang'),
  tool('cargo', 'Cargo (Rust)', '1.75.0'),
  absent('docker', 'Docker'),
  absent('nvcc', 'CUDA compiler (nvcc)'),
  absent('nvidia-smi', 'NVIDIA SMI'),
];
const rtx4090: GpuInfo = { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24564, sharedMemory: false, source: 'nvidia-smi' };
const m2: GpuInfo = { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, source: 'system_profiler' };
const machine = (fields: Partial<MachineProfile>): MachineProfile => ({
  platform: 'linux',
  arch: 'x64',
  gpus: [],
  tools: LINUX_TOOLS,
  totalRamBytes: 32 * GIB,
  ...fields,
});
const row = (tools: ToolCheck[], id: string) => tools.find((t) => t.id === id)!;

describe('buildSystemCheck', () => {
  it('Ubuntu without a GPU: each tool with its strictest minimum, who needs it and the apt command to get it', () => {
    const check = buildSystemCheck({ host: UBUNTU, machine: machine({}), recipes: RECIPES, now: new Date('2025-01-01T00:00:00Z') });
    expect(check.accelerator).toBe('none');
    expect(check.collectedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(check.recipes.map((r) => r.id)).toEqual(RECIPES.map((r) => r.id));
    // Text Generation WebUI asks for 3.11: stricter than the 3.10 baseline.
    expect(row(check.tools, 'python3')).toMatchObject({
      status: 'too-old',
      min: '3.11',
      neededBy: expect.arrayContaining(['Text Generation WebUI', 'KoboldCpp']),
    });
    expect(row(check.tools, 'python3').neededBy).not.toContain('vLLM');
    expect(row(check.tools, 'python3').hint?.note).toContain('uv python install');
    expect(row(check.tools, 'venv')).toMatchObject({
      status: 'missing',
      hint: { via: 'apt', command: 'sudo apt-get update && sudo apt-get install -y python3-venv' },
    });
    expect(row(check.tools, 'cargo')).toMatchObject({
      status: 'too-old',
      min: '1.86',
      neededBy: ['mistral.rs'],
      hint: { command: 'rustup update stable' },
    });
    expect(row(check.tools, 'git')).toEqual({
      ...LINUX_TOOLS[0],
      status: 'ok',
      neededBy: ['llama.cpp server', 'Text Generation WebUI', 'KoboldCpp', 'mistral.rs'],
    });
    // Nothing here needs Docker or CUDA: missing, with a hint, but needed by no one.
    expect(row(check.tools, 'docker')).toMatchObject({
      status: 'missing',
      neededBy: [],
      hint: { command: 'sudo apt-get update && sudo apt-get install -y docker.io' },
    });
    expect(row(check.tools, 'nvcc')).toMatchObject({ status: 'missing', neededBy: [] });
    // One row for "a compiler", right after the compilers, answered by gcc.
    expect(check.tools.map((t) => t.id).slice(5, 8)).toEqual(['gcc', 'clang', 'c-compiler']);
    expect(row(check.tools, 'c-compiler')).toMatchObject({
      name: 'C/C++ compiler (GCC)',
      status: 'ok',
      version: '13.2.0',
      neededBy: ['llama.cpp server', 'KoboldCpp', 'mistral.rs'],
    });
  });

  it('one 24 GB NVIDIA card: CUDA builds need nvcc, and the verdicts follow', () => {
    const check = buildSystemCheck({ host: UBUNTU, machine: machine({ gpus: [rtx4090] }), recipes: RECIPES });
    expect(check.accelerator).toBe('nvidia');
    expect(row(check.tools, 'nvcc')).toMatchObject({
      status: 'missing',
      neededBy: ['llama.cpp server', 'KoboldCpp', 'mistral.rs'],
      hint: { command: 'sudo apt-get update && sudo apt-get install -y nvidia-cuda-toolkit' },
    });
    expect(row(check.tools, 'python3').neededBy).toEqual(expect.arrayContaining(['vLLM', 'FastChat', 'TabbyAPI']));
    expect(check.recipes.find((r) => r.id === 'vllm')).toMatchObject({
      verdict: 'fits-with-warnings',
      missingTools: [{ id: 'venv', status: 'missing' }],
    });
    expect(check.recipes.find((r) => r.id === 'mlx-lm')?.verdict).toBe('does-not-fit');
  });

  it('an NVIDIA card seen without nvidia-smi: the driver is what is missing', () => {
    const unseen = { ...rtx4090, source: 'systeminformation' };
    const check = buildSystemCheck({
      host: UBUNTU,
      machine: machine({ gpus: [unseen] }),
      recipes: RECIPES,
      gpuProblems: ['nvidia-smi failed: driver'],
    });
    expect(row(check.tools, 'nvidia-smi')).toMatchObject({
      status: 'missing',
      neededBy: ['your NVIDIA GPU (driver)'],
      hint: { command: 'sudo ubuntu-drivers install' },
    });
    expect(check.gpuProblems).toEqual(['nvidia-smi failed: driver']);
  });

  it('Apple Silicon: MLX-LM fits, the CUDA engines do not, and tools get Homebrew or Xcode hints', () => {
    const macTools = [
      tool('git', 'Git', '2.39.3'),
      tool('python3', 'Python', '3.12.4'),
      tool('venv', 'Python venv', '3.12.4'),
      absent('cmake', 'CMake'),
      tool('make', 'Make', '3.81'),
      absent('gcc', 'GCC'),
      absent('clang', 'Clang'),
    ];
    const check = buildSystemCheck({
      host: MAC,
      machine: machine({ platform: 'darwin', arch: 'arm64', gpus: [m2], tools: macTools }),
      recipes: RECIPES,
    });
    expect(check.accelerator).toBe('apple');
    const verdict = (id: string) => check.recipes.find((r) => r.id === id)!.verdict;
    expect([verdict('mlx-lm'), verdict('vllm'), verdict('tabbyapi'), verdict('fastchat'), verdict('llamacpp')]).toEqual([
      'fits',
      'does-not-fit',
      'does-not-fit',
      'does-not-fit',
      'fits-with-warnings',
    ]);
    expect(row(check.tools, 'cmake')).toMatchObject({ status: 'missing', hint: { via: 'brew', command: 'brew install cmake' } });
    expect(row(check.tools, 'c-compiler')).toMatchObject({ status: 'missing', hint: { command: 'xcode-select --install' } });
    expect(check.recipes.find((r) => r.id === 'llamacpp')?.warnings).toEqual([
      'CMake not found; installing llama.cpp server needs it (3.14 or newer)',
      'C/C++ compiler not found; installing llama.cpp server needs it',
    ]);
  });
});

describe('checkSystem on this machine', () => {
  it('reports this OS, git as it answers, and a verdict for every built-in recipe', async () => {
    const system = new SystemService({ baseDir: await tempDir() });
    const check = await checkSystem(system, RECIPES);
    expect(check.os.platform).toBe(process.platform);
    const git = row(check.tools, 'git');
    expect(git.status).toBe('ok');
    expect(execFileSync('git', ['--version'], { encoding: 'utf8' })).toContain(git.version!);
    expect(check.recipes.map((r) => r.id)).toEqual(RECIPES.map((r) => r.id));
    for (const t of check.tools) if (t.status !== 'ok') expect(t.hint).toEqual(installHint(t.id, check.os, t.status));
    // The engine ships with the app: it fits every machine this runs on.
    expect(check.recipes.find((r) => r.id === 'engine')?.verdict).not.toBe('does-not-fit');
  });

  it('looks again only when asked: a tool installed meanwhile turns ok, and the GPUs are probed anew', async () => {
    const bin = await tempDir();
    let gpuProbes = 0;
    const system = new SystemService({
      baseDir: bin,
      env: { ...process.env, PATH: bin },
      tools: TOOL_SPECS.filter((t) => t.id === 'cmake'),
      gpus: async () => ({ gpus: [], problems: [`probe ${++gpuProbes}`] }),
    });
    const llamacpp = RECIPES.filter((r) => r.id === 'llamacpp');
    const before = await checkSystem(system, llamacpp);
    expect(row(before.tools, 'cmake')).toMatchObject({ status: 'missing', neededBy: ['llama.cpp server'], min: '3.14' });
    await writeFile(
      path.join(bin, 'cmake'),
      '#!/bin/sh\necho "cmake version 3.31.6"\necho\necho "CMake suite maintained and supported by Kitware (kitware.com/cmake)."\n',
    );
    await chmod(path.join(bin, 'cmake'), 0o755);
    expect(row((await checkSystem(system, llamacpp)).tools, 'cmake').status).toBe('missing');
    const after = await checkSystem(system, llamacpp, { refresh: true });
    expect(row(after.tools, 'cmake')).toMatchObject({ status: 'ok', version: '3.31.6' });
    expect(row(after.tools, 'cmake').hint).toBeUndefined();
    expect(after.gpuProblems).toEqual(['probe 2']);
  });
});
