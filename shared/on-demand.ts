import { z } from 'zod';

/** Which installed provider runs a model loaded on demand: the built-in engine is always there; llama-server when installed. */
export const ON_DEMAND_PROVIDERS = ['engine', 'llamacpp'] as const;
export const OnDemandProviderSchema = z.enum(ON_DEMAND_PROVIDERS);
export type OnDemandProvider = z.infer<typeof OnDemandProviderSchema>;

export const ON_DEMAND_PROVIDER_LABELS: Record<OnDemandProvider, string> = {
  engine: 'Built-in engine',
  llamacpp: 'llama.cpp server (when installed)',
};

/**
 * Load on demand, as LM Studio's JIT loading, llama-swap and Ollama's keep-alive do: a gateway
 * request for a model no running provider serves, but that is in the models folder (or another
 * app's store), starts a provider with it; idle ones are unloaded after `ttlSec`.
 */
export const OnDemandSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Seconds a loaded model may sit idle before it is unloaded; 0 keeps it until evicted. Ollama's keep_alive per request wins. */
    ttlSec: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(600),
    /** Models loaded at once; past it the least recently used idle one is unloaded first. */
    maxLoadedModels: z.number().int().min(1).max(16).default(1),
    /** Also unload least recently used models while the next one's estimated memory exceeds the RAM available. */
    memoryCheck: z.boolean().default(true),
    /** Who runs them; llamacpp falls back to the engine while it is not installed. */
    provider: OnDemandProviderSchema.default('engine'),
  })
  .strict();
export type OnDemandSettings = z.infer<typeof OnDemandSettingsSchema>;

export const ON_DEMAND_DEFAULTS: OnDemandSettings = OnDemandSettingsSchema.parse({});

export const OnDemandPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    ttlSec: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional(),
    maxLoadedModels: z.number().int().min(1).max(16).optional(),
    memoryCheck: z.boolean().optional(),
    provider: OnDemandProviderSchema.optional(),
  })
  .strict();
export type OnDemandPatch = z.infer<typeof OnDemandPatchSchema>;

export type LoadableModelState = 'unloaded' | 'loading' | 'loaded' | 'unloading' | 'failed';

/** One model the gateway can load on demand, by the id clients send as `model`. */
export interface LoadableModel {
  /** The file name, as the engine and llama-server report it in /v1/models. */
  id: string;
  path: string;
  sizeBytes: number;
  /** Another app's store it is used from (absent: our models folder). */
  origin?: string;
  /** That app's own name for it (Ollama's `llama3.2:1b`); clients may send it as `model` too. */
  originalName?: string;
  state: LoadableModelState;
  /** While loading or loaded: the provider instance running it (`engine~<model>`), its provider and port. */
  instanceId?: string;
  provider?: OnDemandProvider;
  port?: number;
  /** That instance's process, once started. */
  pid?: number;
  /** Requests being answered now. */
  inFlight?: number;
  lastUsedAt?: string;
  /** When it will be unloaded if no request comes (absent: kept loaded). */
  unloadsAt?: string;
  /** Why the last load failed, or why it was unloaded. */
  reason?: string;
}

export interface OnDemandStatus {
  settings: OnDemandSettings;
  models: LoadableModel[];
}

/** A model with a provider instance (loading, loaded or unloading): a process at work that no catalog tile shows. */
export type RunningModel = LoadableModel & { instanceId: string };

/** The models of `models` that run now as instances of their own; none while the status is not in yet. */
export function runningModels(models: readonly LoadableModel[] | undefined): RunningModel[] {
  return (models ?? []).filter((m): m is RunningModel => m.instanceId !== undefined);
}

export const UnloadSchema = z.object({ model: z.string().min(1).max(512) }).strict();
