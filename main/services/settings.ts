import { EventEmitter } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { AppFailure } from '../../shared/errors';
import {
  BUILT_IN_DEFAULTS,
  SETTING_ENV_VARS,
  SettingsPatchSchema,
  SettingsSchema,
  type SettingKey,
  type SettingSource,
  type Settings,
  type SettingsPatch,
  type SettingsProblem,
  type SettingsState,
} from '../../shared/settings';
import { keepAside } from './keep-aside';
import { expandHome, saveBaseDir, type BaseDirChoice } from './paths';

const KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

export interface SettingsServiceOptions {
  file: string;
  env: NodeJS.ProcessEnv;
  baseDir: BaseDirChoice;
  /** Where a new base directory choice is saved (see paths.resolveBaseDir). */
  locationFile: string;
}

/**
 * Effective settings = saved value ?? environment variable ?? built-in default. Only the values
 * a user saved are written to the file, so the spec's environment variables keep working for
 * everything the user has not changed.
 */
export class SettingsService extends EventEmitter<{ changed: [SettingsState] }> {
  private saved: Partial<Settings> = {};
  private envDefaults: Partial<Settings> = {};
  private problems: SettingsProblem[] = [];
  private pendingBaseDir?: string;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: SettingsServiceOptions) {
    super();
  }

  static async load(options: SettingsServiceOptions): Promise<SettingsService> {
    const service = new SettingsService(options);
    service.problems.push(...options.baseDir.problems);
    service.envDefaults = readEnvDefaults(options.env, service.problems);
    service.saved = await readSavedSettings(options.file, service.problems);
    return service;
  }

  get values(): Settings {
    return this.state().values;
  }

  state(): SettingsState {
    const values = { ...BUILT_IN_DEFAULTS };
    const sources = {} as Record<SettingKey, SettingSource>;
    for (const key of KEYS) {
      const [value, source] =
        this.saved[key] !== undefined
          ? [this.saved[key], 'saved' as const]
          : this.envDefaults[key] !== undefined
            ? [this.envDefaults[key], 'env' as const]
            : [BUILT_IN_DEFAULTS[key], 'default' as const];
      (values as Record<SettingKey, unknown>)[key] = value;
      sources[key] = source;
    }
    const { baseDir } = this.options;
    const pending = this.pendingBaseDir;
    return {
      values,
      sources,
      file: this.options.file,
      baseDir: { path: baseDir.path, source: baseDir.source, ...(pending && pending !== baseDir.path ? { pending } : {}) },
      problems: [...this.problems],
    };
  }

  /** Saves atomically; concurrent updates from several clients apply one after another. */
  update(patch: SettingsPatch): Promise<SettingsState> {
    const run = this.queue.then(() => this.apply(patch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(patch: SettingsPatch): Promise<SettingsState> {
    // The contract checks what arrives over the wire; callers inside the host (CLI, tray, other
    // services) get the same check here, so nothing unchecked reaches the file.
    const checked = SettingsPatchSchema.safeParse(patch);
    if (!checked.success) {
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `Settings not saved: ${checked.error.issues.map((i) => `${i.path.join('.') || 'settings'} ${i.message}`).join('; ')}.`,
        hint: 'Fix the value named and save again; nothing was changed.',
      });
    }
    const { baseDir, ...values } = checked.data;
    if (baseDir !== undefined) {
      if (this.options.baseDir.source === 'env') {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `The base directory is set by the environment variable HELIX_LOCAL_LLM_DIR (${this.options.baseDir.path}).`,
          hint: 'Unset HELIX_LOCAL_LLM_DIR and restart to choose the base directory here.',
        });
      }
      const resolved = path.resolve(expandHome(baseDir));
      await writeOrFail(() => saveBaseDir(this.options.locationFile, resolved), this.options.locationFile);
      this.pendingBaseDir = resolved;
    }
    const next = { ...this.saved, ...dropUndefined(values) };
    if (Object.keys(values).length > 0) {
      await writeOrFail(async () => {
        await mkdir(path.dirname(this.options.file), { recursive: true });
        await writeFileAtomic(this.options.file, `${JSON.stringify(next, null, 2)}\n`, { encoding: 'utf8' });
      }, this.options.file);
      this.saved = next;
    }
    const state = this.state();
    this.emit('changed', state);
    return state;
  }
}

async function writeOrFail(write: () => Promise<void>, file: string): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Could not save ${file}: ${(error as Error).message}`,
      hint: 'Check that the folder exists and is writable; nothing was changed.',
    });
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** Reads the seed spec's variables; a value that does not parse is reported and ignored. */
export function readEnvDefaults(env: NodeJS.ProcessEnv, problems: SettingsProblem[]): Partial<Settings> {
  const result: Partial<Settings> = {};
  for (const key of KEYS) {
    const name = SETTING_ENV_VARS[key];
    const raw = name ? env[name]?.trim() : undefined;
    if (!name || raw === undefined || raw === '') continue;
    const field = SettingsSchema.shape[key];
    let candidate: unknown = raw;
    if (typeof BUILT_IN_DEFAULTS[key] === 'boolean') {
      const word = raw.toLowerCase();
      candidate = TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : raw;
    } else if (/^-?\d+(\.\d+)?$/.test(raw)) {
      candidate = Number(raw);
    }
    const parsed = field.safeParse(candidate);
    if (parsed.success) {
      (result as Record<string, unknown>)[key] = parsed.data;
    } else {
      problems.push({
        message:
          typeof candidate === 'string'
            ? `${name}=${JSON.stringify(raw)} is not ${typeof BUILT_IN_DEFAULTS[key] === 'boolean' ? 'true or false' : 'a whole number'}.`
            : `${name}=${JSON.stringify(raw)} is out of range: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
        hint:
          typeof BUILT_IN_DEFAULTS[key] === 'boolean'
            ? `Set ${name} to true or false, or unset it.`
            : `Set ${name} to a whole number of seconds (1 to 3600), or unset it.`,
        origin: name,
      });
    }
  }
  return result;
}

/**
 * Reads the saved settings. A file that does not parse, or has fields that do not validate, is
 * kept aside under a dated name and reported; the fields that were valid are written back so
 * they keep applying.
 */
export async function readSavedSettings(file: string, problems: SettingsProblem[]): Promise<Partial<Settings>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    problems.push({
      message: `Could not read ${file}: ${(error as Error).message}`,
      hint: 'Check the file permissions. Defaults are in use; saving from Settings will try to write it again.',
      origin: file,
    });
    return {};
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const keptAs = await keepAside(file);
    problems.push({
      message: `${file} is not valid JSON (${(error as Error).message}).`,
      hint: `It was kept as ${keptAs} and defaults are in use. Re-enter your settings, or fix that file and copy it back.`,
      origin: file,
    });
    return {};
  }

  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const keptAs = await keepAside(file);
    problems.push({
      message: `${file} must hold a JSON object of settings.`,
      hint: `It was kept as ${keptAs} and defaults are in use.`,
      origin: file,
    });
    return {};
  }

  const salvaged: Partial<Settings> = {};
  const bad: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    const field = (SettingsSchema.shape as Record<string, z.ZodType>)[key];
    if (!field) {
      bad.push(`unknown setting "${key}"`);
      continue;
    }
    const parsed = field.safeParse(value);
    if (parsed.success) (salvaged as Record<string, unknown>)[key] = parsed.data;
    else bad.push(`${key}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)})`);
  }
  if (bad.length > 0) {
    const keptAs = await keepAside(file);
    await writeFileAtomic(file, `${JSON.stringify(salvaged, null, 2)}\n`, { encoding: 'utf8' });
    problems.push({
      message: `${file} has invalid settings: ${bad.join('; ')}.`,
      hint: `The original was kept as ${keptAs}; the valid settings were kept and the others use their defaults.`,
      origin: file,
    });
  }
  return salvaged;
}
