import {
  BUILT_IN_DEFAULTS,
  SETTING_ENV_VARS,
  SettingsSchema,
  type SettingKey,
  type Settings,
  type SettingsProblem,
} from '../../../shared/settings';

const KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

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
    const kind = typeof BUILT_IN_DEFAULTS[key];
    let candidate: unknown = raw;
    if (kind === 'boolean') {
      const word = raw.toLowerCase();
      candidate = TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : raw;
    } else if (kind === 'string') {
      // A word from a list (logLevel): DEBUG and debug alike.
      candidate = raw.toLowerCase();
    } else if (/^-?\d+(\.\d+)?$/.test(raw)) {
      candidate = Number(raw);
    }
    const parsed = field.safeParse(candidate);
    if (parsed.success) {
      (result as Record<string, unknown>)[key] = parsed.data;
    } else if (kind === 'string') {
      const words = 'options' in field ? (field.options as string[]).join(', ') : 'a known value';
      problems.push({
        message: `${name}=${JSON.stringify(raw)} is not one of ${words}.`,
        hint: `Set ${name} to one of ${words}, or unset it.`,
        origin: name,
      });
    } else {
      problems.push({
        message:
          typeof candidate === 'string'
            ? `${name}=${JSON.stringify(raw)} is not ${kind === 'boolean' ? 'true or false' : 'a whole number'}.`
            : `${name}=${JSON.stringify(raw)} is out of range: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
        hint:
          kind === 'boolean'
            ? `Set ${name} to true or false, or unset it.`
            : `Set ${name} to a whole number of seconds (1 to 3600), or unset it.`,
        origin: name,
      });
    }
  }
  return result;
}
