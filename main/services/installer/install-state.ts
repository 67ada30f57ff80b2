import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import which from 'which';
import writeFileAtomic from 'write-file-atomic';
import type { ProviderRecipe } from '../../../shared/recipe';
import { expandHome } from '../base-dir/paths';

/**
 * Written in a provider's data folder by the installer once every step succeeded, so a clone or
 * venv left half-done by a crash or a cancel never counts as installed.
 */
export const INSTALL_MARKER = '.install-complete.json';

/** Marks a provider installed, once every step of its install or update finished. */
export async function writeInstallMarker(dataDir: string, info: { version?: string; action: 'install' | 'update' }): Promise<void> {
  await writeFileAtomic(
    path.join(dataDir, INSTALL_MARKER),
    `${JSON.stringify({ version: info.version, installedAt: new Date().toISOString(), action: info.action }, null, 2)}\n`,
  );
}

export interface InstallContext {
  /** The provider's own data folder, `<base>/data/<id>`. */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

export interface InstallCheck {
  installed: boolean;
  /** What showed it: the marker file, the command found on PATH, or the app's folder. */
  evidence?: string;
}

export async function isInstalled(recipe: ProviderRecipe, ctx: InstallContext): Promise<boolean> {
  return (await checkInstalled(recipe, ctx)).installed;
}

export async function checkInstalled(recipe: ProviderRecipe, ctx: InstallContext): Promise<InstallCheck> {
  const install = recipe.install;
  switch (install.strategy) {
    case 'builtin':
    case 'none':
      return { installed: true };
    case 'external':
      return detectExternal(install.detect, ctx);
    case 'git':
    case 'python':
    case 'binary': {
      const marker = path.join(ctx.dataDir, INSTALL_MARKER);
      return (await isFile(marker)) ? { installed: true, evidence: marker } : { installed: false };
    }
  }
}

type Detect = Extract<ProviderRecipe['install'], { strategy: 'external' }>['detect'];

async function detectExternal(detect: Detect, ctx: InstallContext): Promise<InstallCheck> {
  const env = ctx.env ?? process.env;
  const searchPath = env.PATH ?? env.Path ?? '';
  for (const command of detect.commands) {
    const found = await which(command, { nothrow: true, path: searchPath, pathExt: env.PATHEXT });
    if (found) return { installed: true, evidence: found };
  }
  const home = ctx.home ?? os.homedir();
  const platform = (ctx.platform ?? process.platform) as keyof Detect['paths'];
  for (const candidate of detect.paths[platform] ?? []) {
    const full = expandHome(candidate, home);
    if (await exists(full)) return { installed: true, evidence: full };
  }
  return { installed: false };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
