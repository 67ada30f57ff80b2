import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import { BASE_DIR_ENV_VAR, type SettingsProblem } from '../../../shared/settings';
import { keepAside } from '../os/keep-aside';
import { READ_CAPS, readCappedFile } from '../os/read-capped-file';
import { whyUnusableDir } from './unusable-dir';

/** The seed spec's layout under the base directory. */
export const LAYOUT_DIRS = ['bin', 'config', 'data', 'models', 'logs', 'cache'] as const;
export const DEFAULT_BASE_DIR = '~/.helixcode/local-llm';

export interface Paths {
  base: string;
  bin: string;
  config: string;
  data: string;
  models: string;
  logs: string;
  cache: string;
  /** The Chat page's conversations (made at the first one saved): under config/, so backups keep them. */
  chats: string;
  settingsFile: string;
}

export function pathsFor(base: string): Paths {
  const at = (dir: string) => path.join(base, dir);
  return {
    base,
    bin: at('bin'),
    config: at('config'),
    data: at('data'),
    models: at('models'),
    logs: at('logs'),
    cache: at('cache'),
    chats: path.join(base, 'config', 'chats'),
    settingsFile: path.join(base, 'config', 'settings.json'),
  };
}

export async function ensureLayout(paths: Paths): Promise<void> {
  for (const dir of LAYOUT_DIRS) await mkdir(paths[dir], { recursive: true });
}

export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export interface BaseDirChoice {
  path: string;
  source: 'env' | 'saved' | 'default';
  /** Saved choice that is not in use: the environment variable wins, or it cannot be used (see problems). */
  saved?: string;
  problems: SettingsProblem[];
}

const LocationSchema = z.object({ baseDir: z.string().min(1) }).strict();

/**
 * The base directory holds the settings file, so the user's choice of it lives one level up,
 * in the app's own config folder (`locationFile`). HELIX_LOCAL_LLM_DIR beats both.
 */
export async function resolveBaseDir(options: { env: NodeJS.ProcessEnv; locationFile: string; home?: string }): Promise<BaseDirChoice> {
  const problems: SettingsProblem[] = [];
  const saved = await readSavedBaseDir(options.locationFile, problems);
  const fromEnv = options.env[BASE_DIR_ENV_VAR]?.trim();
  if (fromEnv) {
    return { path: path.resolve(expandHome(fromEnv, options.home)), source: 'env', saved, problems };
  }
  const fallback = expandHome(DEFAULT_BASE_DIR, options.home);
  if (!saved) return { path: fallback, source: 'default', problems };
  // A desktop app that will not start cannot show its Settings, where the choice is made again.
  const unusable = await whyUnusableDir(saved);
  if (!unusable) return { path: saved, source: 'saved', problems };
  problems.push({
    message: `The base directory chosen in Settings, ${saved}, cannot be used: ${unusable}.`,
    hint: `The default ${fallback} is in use until that is fixed (a disk to mount, a file to move) or another is chosen in Settings (saved in ${options.locationFile}).`,
    origin: options.locationFile,
  });
  return { path: fallback, source: 'default', saved, problems };
}

async function readSavedBaseDir(file: string, problems: SettingsProblem[]): Promise<string | undefined> {
  let text: string;
  try {
    text = await readCappedFile(file, READ_CAPS.state);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    problems.push({
      message: error instanceof AppFailure ? error.message : `Could not read ${file}: ${(error as Error).message}`,
      hint: `${error instanceof AppFailure ? error.hint : 'Check the file permissions.'} The default base directory is used meanwhile.`,
      origin: file,
    });
    return undefined;
  }
  let reason: string;
  try {
    const parsed = LocationSchema.safeParse(JSON.parse(text));
    if (parsed.success && path.isAbsolute(parsed.data.baseDir)) return parsed.data.baseDir;
    reason = parsed.success ? 'baseDir must be an absolute path' : z.prettifyError(parsed.error);
  } catch (error) {
    reason = (error as Error).message;
  }
  const keptAs = await keepAside(file);
  problems.push({
    message: `${file} is not valid (${reason}).`,
    hint: `It was kept as ${keptAs}; the default base directory is in use. Choose the base directory again in Settings.`,
    origin: file,
  });
  return undefined;
}

export async function saveBaseDir(locationFile: string, baseDir: string): Promise<void> {
  await mkdir(path.dirname(locationFile), { recursive: true });
  await writeFileAtomic(locationFile, `${JSON.stringify({ baseDir }, null, 2)}\n`, { encoding: 'utf8' });
}
