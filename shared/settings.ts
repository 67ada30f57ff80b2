import { z } from 'zod';

/**
 * User-editable settings. The seed spec's environment variables give the defaults
 * (HELIX_LOCAL_LLM_AUTO_START, _TIMEOUT, _HEALTH_INTERVAL); a value the user saves wins over them.
 */
export const SettingsSchema = z.object({
  autoStart: z.boolean(),
  startupTimeoutSec: z.number().int().min(1).max(3600),
  healthIntervalSec: z.number().int().min(1).max(3600),
  closeToTray: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

export const BUILT_IN_DEFAULTS: Settings = {
  autoStart: true,
  startupTimeoutSec: 60,
  healthIntervalSec: 30,
  closeToTray: true,
};

/** Which environment variable (from the seed spec) supplies each setting's default. */
export const SETTING_ENV_VARS: Partial<Record<SettingKey, string>> = {
  autoStart: 'HELIX_LOCAL_LLM_AUTO_START',
  startupTimeoutSec: 'HELIX_LOCAL_LLM_TIMEOUT',
  healthIntervalSec: 'HELIX_LOCAL_LLM_HEALTH_INTERVAL',
};

export const BASE_DIR_ENV_VAR = 'HELIX_LOCAL_LLM_DIR';

export const SettingsPatchSchema = SettingsSchema.partial()
  .extend({
    /** A new base directory; takes effect at the next start. Must be absolute. */
    baseDir: z
      .string()
      .min(1)
      .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('~'), {
        message: 'must be an absolute path (or start with ~)',
      })
      .optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export type SettingSource = 'saved' | 'env' | 'default';

export interface SettingsProblem {
  /** What went wrong, e.g. a file that did not parse. */
  message: string;
  hint: string;
  /** The file or environment variable it came from. */
  origin: string;
}

export interface SettingsState {
  values: Settings;
  sources: Record<SettingKey, SettingSource>;
  /** The file user-saved values live in. */
  file: string;
  baseDir: {
    path: string;
    source: 'env' | 'saved' | 'default';
    /** A saved base directory that differs from the one in use: applies after a restart. */
    pending?: string;
  };
  problems: SettingsProblem[];
}
