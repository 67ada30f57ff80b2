import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecipeSchema, type ProviderRecipe, type RecipeInput } from '../../../shared/recipe';
import { tempDir } from '../../../test/temp-dir';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { checkInstalled, INSTALL_MARKER, isInstalled } from './install-state';

const builtin = (id: string): ProviderRecipe => RecipeSchema.parse(BUILTIN_RECIPES.find((r) => r.id === id));
const withInstall = (install: RecipeInput['install']): ProviderRecipe =>
  RecipeSchema.parse({ ...BUILTIN_RECIPES.find((r) => r.id === 'llamacpp'), install });

describe('isInstalled', () => {
  it('counts the built-in engine and "none" recipes as installed', async () => {
    const dataDir = path.join(await tempDir(), 'data', 'engine');
    expect(await isInstalled(builtin('engine'), { dataDir })).toBe(true);
    expect(await isInstalled(withInstall({ strategy: 'none' }), { dataDir })).toBe(true);
  });

  it.each(['llamacpp', 'vllm', 'localai'])("needs the installer's marker file for %s (git, python, binary)", async (id) => {
    const dataDir = path.join(await tempDir(), 'data', id);
    expect(await isInstalled(builtin(id), { dataDir })).toBe(false);
    await mkdir(dataDir, { recursive: true });
    // A clone or venv without the marker is a half-done install.
    await writeFile(path.join(dataDir, 'README.md'), 'cloned');
    expect(await isInstalled(builtin(id), { dataDir })).toBe(false);
    await writeFile(path.join(dataDir, INSTALL_MARKER), '{}');
    expect(await checkInstalled(builtin(id), { dataDir })).toEqual({ installed: true, evidence: path.join(dataDir, INSTALL_MARKER) });
  });

  it('does not take a folder named like the marker for the marker', async () => {
    const dataDir = await tempDir();
    await mkdir(path.join(dataDir, INSTALL_MARKER));
    expect(await isInstalled(builtin('vllm'), { dataDir })).toBe(false);
  });

  it('finds an external app by its command on PATH', async () => {
    const dir = await tempDir();
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    const lms = path.join(bin, process.platform === 'win32' ? 'lms.cmd' : 'lms');
    await writeFile(lms, process.platform === 'win32' ? '@echo off\r\n' : '#!/bin/sh\necho lms\n');
    await chmod(lms, 0o755);
    const ctx = {
      dataDir: path.join(dir, 'data'),
      home: path.join(dir, 'home'),
      env: { PATH: bin, PATHEXT: '.CMD;.EXE' },
      platform: 'linux' as const,
    };
    expect(await checkInstalled(builtin('lmstudio'), ctx)).toEqual({ installed: true, evidence: lms });
    expect(await isInstalled(builtin('lmstudio'), { ...ctx, env: { PATH: path.join(dir, 'empty') } })).toBe(false);
  });

  it('finds an external app by a path under the home folder, for this OS only', async () => {
    const dir = await tempDir();
    const home = path.join(dir, 'home');
    await mkdir(path.join(home, '.lmstudio'), { recursive: true });
    const ctx = { dataDir: path.join(dir, 'data'), home, env: { PATH: '' } };
    expect(await checkInstalled(builtin('lmstudio'), { ...ctx, platform: 'linux' })).toEqual({
      installed: true,
      evidence: path.join(home, '.lmstudio'),
    });
    // Jan's Linux paths are absolute or under other folders: nothing of it here.
    expect(await isInstalled(builtin('jan'), { ...ctx, platform: 'linux' })).toBe(false);
    await mkdir(path.join(home, 'gpt4all', 'bin'), { recursive: true });
    await writeFile(path.join(home, 'gpt4all', 'bin', 'chat'), '');
    expect(await isInstalled(builtin('gpt4all'), { ...ctx, platform: 'linux' })).toBe(true);
    // The same file proves nothing on macOS, where GPT4All lives elsewhere.
    expect(await isInstalled(builtin('gpt4all'), { ...ctx, platform: 'darwin' })).toBe(false);
  });
});
