import { z } from 'zod';
import { GATEWAY_DEFAULTS, GatewaySettingsSchema } from './gateway';
import { StepSchema } from './recipe';
import { AlertKindSchema } from './resources';
import { DEFAULT_DISCOVERY_INTERVAL_SEC, DiscoverySettingsSchema } from './discovery';

/**
 * User-editable settings. The seed spec's environment variables give the defaults
 * (HELIX_LOCAL_LLM_AUTO_START, _TIMEOUT, _HEALTH_INTERVAL); a value the user saves wins over them.
 */
/** What a user may pin for one provider. */
/** llama.cpp refuses more than 256 sequences in a context; far fewer already fill a machine's memory. */
export const PARALLEL_MAX = 64;

export const ProviderOverrideSchema = z
  .object({
    /** A pinned port: start fails (naming who holds it) instead of moving when it is taken. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Fills the {model} placeholder. */
    model: z.string().min(1).optional(),
    /** Context size for the built-in engine (tokens). */
    contextSize: z.number().int().min(256).max(1_048_576).optional(),
    /** CPU threads for the built-in engine; defaults to the physical core count. */
    threads: z.number().int().min(1).max(1024).optional(),
    /**
     * Requests the built-in engine answers at once (llama-server's --parallel): each has a context
     * of `contextSize` tokens of its own, so memory for the context grows with it. Default 1.
     */
    parallel: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(PARALLEL_MAX, `must be at most ${PARALLEL_MAX}: each request holds a context of its own in memory`)
      .optional(),
    /** Install from elsewhere: a mirror, a fork, a local path or bare repository; another version; other build steps or packages. */
    install: z
      .object({
        // Both reach git's command line: a leading "-" would read as an option there.
        repository: z.string().min(1).regex(/^[^-]/, 'must not start with "-"').optional(),
        version: z
          .string()
          .min(1)
          .regex(/^[^-\s][^\s]*$/, 'must be one tag, branch or commit, without spaces or a leading "-"')
          .optional(),
        build: z.array(StepSchema).optional(),
        packages: z.array(z.string().min(1)).min(1).optional(),
        /** The sha256 of this machine's binary download, for a release the recipe has no checksum for (or a mirror's file). */
        sha256: z
          .string()
          .regex(/^[a-fA-F0-9]{64}$/, 'must be 64 hex characters')
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ProviderOverride = z.infer<typeof ProviderOverrideSchema>;

/**
 * Names a JSON object may carry but a settings map never uses as a key: assigning `__proto__`
 * sets an object's prototype, and the others are found on every object by a plain lookup.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const ProviderKey = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/)
  .refine((key) => !RESERVED_KEYS.has(key), 'is a reserved name');

const WizardStateSchema = z
  .object({
    completed: z.boolean(),
    /** System, Found, Choose, Install, Model, Finish. */
    step: z.number().int().min(0).max(5),
    selected: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/)).max(50),
  })
  .strict();

export const SettingsSchema = z.object({
  autoStart: z.boolean(),
  startupTimeoutSec: z.number().int().min(1).max(3600),
  healthIntervalSec: z.number().int().min(1).max(3600),
  closeToTray: z.boolean(),
  /** Desktop app: start with the user's session (hidden to the tray on macOS). Applied by the shell, never headless. */
  launchAtLogin: z.boolean(),
  /** Consecutive failed health probes before a running provider counts as hung. */
  unhealthyAfterFailures: z.number().int().min(1).max(100),
  /** Automatic restarts allowed within `restartWindowSec` before giving up (`failed`). */
  restartLimit: z.number().int().min(0).max(100),
  restartWindowSec: z.number().int().min(10).max(86_400),
  /** How long a provider may take to exit after SIGTERM before its whole tree is killed. */
  stopGraceSec: z.number().int().min(1).max(300),
  /** How often CPU, memory, GPUs and providers are sampled for the Resources page and alerts. */
  resourceIntervalSec: z.number().int().min(1).max(60),
  /** Alert when used RAM reaches this percent of the total. */
  alertRamPercent: z.number().int().min(10).max(100),
  /** Alert when any GPU's used VRAM reaches this percent of its total. */
  alertVramPercent: z.number().int().min(10).max(100),
  /** Alert when the base directory's disk has less free space than this. */
  alertDiskFreeGiB: z.number().min(0.5).max(100_000),
  /** Alert kinds the user silenced. */
  mutedAlerts: z.array(AlertKindSchema).max(10),
  providers: z.record(ProviderKey, ProviderOverrideSchema),
  /** Where the first-run wizard is, so it can be left and resumed (also from another browser). */
  wizard: WizardStateSchema,
  /** Servers to probe besides the catalog's default ports, and how often to scan. */
  discovery: DiscoverySettingsSchema,
  /** The OpenAI-compatible gateway in front of the providers. */
  gateway: GatewaySettingsSchema,
  /** How much the app writes to its own log (app.log in the OS log folder; logs/ under HELIX_LOCAL_LLM_DIR): `debug` adds every request it handles. */
  logLevel: z.enum(['error', 'warn', 'info', 'debug']),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export type LogLevel = Settings['logLevel'];
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export const BUILT_IN_DEFAULTS: Settings = {
  autoStart: true,
  startupTimeoutSec: 60,
  healthIntervalSec: 30,
  closeToTray: true,
  launchAtLogin: false,
  unhealthyAfterFailures: 3,
  restartLimit: 5,
  restartWindowSec: 600,
  stopGraceSec: 10,
  resourceIntervalSec: 1,
  alertRamPercent: 90,
  alertVramPercent: 95,
  alertDiskFreeGiB: 5,
  mutedAlerts: [],
  providers: {},
  wizard: { completed: false, step: 0, selected: [] },
  discovery: { endpoints: [], intervalSec: DEFAULT_DISCOVERY_INTERVAL_SEC },
  gateway: GATEWAY_DEFAULTS,
  logLevel: 'info',
};

/** Which environment variable (from the seed spec) supplies each setting's default. */
export const SETTING_ENV_VARS: Partial<Record<SettingKey, string>> = {
  autoStart: 'HELIX_LOCAL_LLM_AUTO_START',
  startupTimeoutSec: 'HELIX_LOCAL_LLM_TIMEOUT',
  healthIntervalSec: 'HELIX_LOCAL_LLM_HEALTH_INTERVAL',
  logLevel: 'HELIX_LOCAL_LLM_LOG_LEVEL',
};

export const BASE_DIR_ENV_VAR = 'HELIX_LOCAL_LLM_DIR';

/**
 * A change to one value, in JSON Merge Patch style (RFC 7396): objects and maps are patched field
 * by field (a field left out is left as it is), `null` removes an optional field or a map entry,
 * arrays and plain values are replaced whole. So a client sends only what its user changed, and
 * two clients changing different providers, or different fields of one, never undo each other.
 */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<NonNullable<T[K]>> | null }
    : T;

export type SettingsPatch = { [K in SettingKey]?: MergePatch<Settings[K]> } & {
  baseDir?: string;
  /**
   * The settings revision the change was made against (`SettingsState.revision`). When given, a
   * field someone else changed since then is not overwritten: the update fails with CONFLICT.
   */
  baseRevision?: number;
};

/** The merge-patch schema of one settings field: what a patch may say about it. */
function mergePatchOf(field: z.ZodType): z.ZodType {
  let inner = field;
  let optional = false;
  for (;;) {
    if (inner instanceof z.ZodOptional) optional = true;
    else if (!(inner instanceof z.ZodDefault)) break;
    inner = (inner as z.ZodOptional | z.ZodDefault).unwrap() as z.ZodType;
  }
  const patch =
    inner instanceof z.ZodObject
      ? z
          .object(
            Object.fromEntries(Object.entries(inner.shape as Record<string, z.ZodType>).map(([key, value]) => [key, mergePatchOf(value)])),
          )
          .strict()
      : inner instanceof z.ZodRecord
        ? z.record(inner.keyType as z.ZodString, mergePatchOf(inner.valueType as z.ZodType).nullable())
        : inner;
  // A field that may be absent may be removed; a required one can only be given a new value.
  return optional ? patch.nullable().optional() : patch.optional();
}

/**
 * Where a parsed JSON value (a file, a patch) holds a key named in RESERVED_KEYS, at any depth.
 * JSON.parse makes `"__proto__"` an own key that zod's records drop without a word; we name it
 * instead. A loop, not recursion, so deep nesting cannot overflow the stack.
 */
export function reservedKeyPath(value: unknown): string[] | undefined {
  // Each entry links to its parent instead of copying its path: deep nesting stays linear.
  type Entry = { value: unknown; key?: string; parent?: Entry };
  const stack: Entry[] = [{ value }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    if (typeof entry.value !== 'object' || entry.value === null) continue;
    for (const key of Object.keys(entry.value)) {
      const child: Entry = { value: (entry.value as Record<string, unknown>)[key], key, parent: entry };
      if (!RESERVED_KEYS.has(key)) {
        stack.push(child);
        continue;
      }
      const path: string[] = [];
      for (let at: Entry | undefined = child; at?.key !== undefined; at = at.parent) path.unshift(at.key);
      return path;
    }
  }
  return undefined;
}

const NoReservedKeys = z.unknown().superRefine((value, ctx) => {
  const path = reservedKeyPath(value);
  if (path) ctx.addIssue({ code: 'custom', path, message: `"${path.at(-1)}" is a reserved name`, fatal: true });
});

export const SettingsPatchSchema = NoReservedKeys.pipe(
  z
    .object({
      ...Object.fromEntries(Object.entries(SettingsSchema.shape).map(([key, field]) => [key, mergePatchOf(field)])),
      /** A new base directory; takes effect at the next start. Must be absolute. */
      baseDir: z
        .string()
        .min(1)
        .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('~'), {
          message: 'must be an absolute path (or start with ~)',
        })
        .optional(),
      baseRevision: z.number().int().min(0).optional(),
    })
    .strict(),
) as unknown as z.ZodType<SettingsPatch, SettingsPatch>;

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
  /**
   * Goes up with every change that takes effect (a save from any client, a hand edit of the file).
   * Send it back as `baseRevision` so a save made against an older state cannot undo a newer one.
   */
  revision: number;
}
