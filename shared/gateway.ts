import { z } from 'zod';
import { ON_DEMAND_DEFAULTS, OnDemandPatchSchema, OnDemandSettingsSchema } from './on-demand';
import { CorsOriginsSchema, DEFAULT_CORS_ORIGINS } from './cors-origins';
import { isHostName } from './host-name';

/**
 * The gateway's own port. Chosen because no catalog provider (nor the seed spec) defaults to it:
 * they take 1234, 1337, 4891, 5000, 5001, 7860, 8000, 8080, 8090, 11434 and 21001-21002, and
 * the headless UI takes 7420. Other local gateways sit elsewhere too (LiteLLM 4000, Portkey 8787).
 */
export const DEFAULT_GATEWAY_PORT = 8400;

export const GATEWAY_STRATEGIES = ['round-robin', 'least-busy', 'lowest-latency', 'priority'] as const;
export const GatewayStrategySchema = z.enum(GATEWAY_STRATEGIES);
export type GatewayStrategy = z.infer<typeof GatewayStrategySchema>;

export const STRATEGY_LABELS: Record<GatewayStrategy, string> = {
  'round-robin': 'Round robin',
  'least-busy': 'Least busy (fewest in flight)',
  'lowest-latency': 'Lowest latency (time to first byte)',
  priority: 'Priority, with fallback',
};

/** A model id as providers name them: anything printable, bounded so a table stays a table. */
export const GatewayModelId = z.string().min(1).max(512);

/** A key a client must send as `Authorization: Bearer …`; long enough not to be guessed. */
export const GatewayApiKey = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Where the gateway listens: an address or host name of this machine. */
const GatewayHost = z.string().min(1).max(255).refine(isHostName, 'must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0');

export const GatewaySettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** 127.0.0.1 keeps it on this machine; anything else needs an API key. */
    host: GatewayHost.default('127.0.0.1'),
    /** 0 picks any free port (for tests). */
    port: z.number().int().min(0).max(65535).default(DEFAULT_GATEWAY_PORT),
    apiKey: GatewayApiKey.optional(),
    strategy: GatewayStrategySchema.default('round-robin'),
    /** Per-model strategies that win over `strategy`. */
    modelStrategies: z.record(GatewayModelId, GatewayStrategySchema).default({}),
    /** Provider ids, most preferred first, for the priority strategy; unlisted ones come after. */
    priority: z.array(z.string().min(1).max(200)).max(200).default([]),
    /** Models started by the requests that name them, and unloaded when idle (shared/on-demand.ts). */
    onDemand: OnDemandSettingsSchema.default(ON_DEMAND_DEFAULTS),
    /** Web pages that may call the gateway from a browser (shared/cors-origins.ts). */
    corsOrigins: CorsOriginsSchema.default(DEFAULT_CORS_ORIGINS),
  })
  .strict();
export type GatewaySettings = z.infer<typeof GatewaySettingsSchema>;

export const GATEWAY_DEFAULTS: GatewaySettings = GatewaySettingsSchema.parse({});

/** What `gateway.update` accepts: any subset; `apiKey: null` removes the key. */
export const GatewayPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    host: GatewayHost.optional(),
    port: z.number().int().min(0).max(65535).optional(),
    apiKey: GatewayApiKey.nullable().optional(),
    /** Let the host make a fresh random key (and return it in the status). */
    generateKey: z.literal(true).optional(),
    strategy: GatewayStrategySchema.optional(),
    /** One model's strategy; `strategy: null` goes back to the default. */
    modelStrategy: z.object({ model: GatewayModelId, strategy: GatewayStrategySchema.nullable() }).strict().optional(),
    priority: z.array(z.string().min(1).max(200)).max(200).optional(),
    /** Load-on-demand settings, field by field. */
    onDemand: OnDemandPatchSchema.optional(),
    /** The whole list of allowed browser origins. */
    corsOrigins: CorsOriginsSchema.optional(),
  })
  .strict();
export type GatewayPatch = z.infer<typeof GatewayPatchSchema>;

/** One provider behind a model in the routing table. */
export interface GatewayRouteTarget {
  providerId: string;
  baseUrl: string;
  healthy: boolean;
  /** The provider's own state in words ("running", "unhealthy", "external"). */
  state: string;
  /** Set while the provider sits out after failing before its first byte. */
  coolingDownUntil?: string;
}

export interface GatewayRoute {
  model: string;
  strategy: GatewayStrategy;
  targets: GatewayRouteTarget[];
}

export interface GatewayStatus {
  enabled: boolean;
  listening: boolean;
  /** The base URL clients use (ends in /v1), once listening. */
  url?: string;
  host: string;
  /** The port configured; `url` has the one in use (they differ only when 0 was asked for). */
  port: number;
  apiKey?: string;
  strategy: GatewayStrategy;
  modelStrategies: Record<string, GatewayStrategy>;
  priority: string[];
  corsOrigins: string[];
  routes: GatewayRoute[];
  /** Why the gateway is not listening, when it should be. */
  error?: { message: string; hint: string };
}

export interface GatewayUpstreamStats {
  providerId: string;
  requests: number;
  /** Failures: connection errors, timeouts, 5xx, and streams cut by the provider. */
  errors: number;
  inFlight: number;
  /** Whole-response latency over the recent requests, in ms. */
  p50Ms?: number;
  p95Ms?: number;
  /** Moving average of the time to the first byte, in ms (what lowest-latency ranks by). */
  ttfbMs?: number;
  /** Completion tokens per second, when responses report `usage`. */
  tokensPerSec?: number;
  lastError?: string;
  /** Set while it sits out after failing before its first byte. */
  coolingDownUntil?: string;
}

export interface GatewayStats {
  at: string;
  upstreams: GatewayUpstreamStats[];
}

/** The longest message the Try it box sends; a longer one goes through the gateway's API. */
export const TRY_MESSAGE_MAX_CHARS = 100_000;

export const TryChatSchema = z
  .object({
    /** Chosen by the caller, so it can match the streamed chunks to this request. */
    id: z.string().min(1).max(100),
    model: GatewayModelId,
    messages: z
      .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(TRY_MESSAGE_MAX_CHARS) }).strict())
      .min(1)
      .max(100),
    maxTokens: z.number().int().min(1).max(8192).optional(),
    /** Sampling temperature; absent leaves the provider's default. */
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();
export type TryChatRequest = z.infer<typeof TryChatSchema>;

export interface TryChatResult {
  id: string;
  text: string;
  /** Which provider the gateway picked. */
  providerId?: string;
  finishReason?: string;
  ttfbMs: number;
  durationMs: number;
  /** Set when it was stopped by gateway.tryCancel. */
  cancelled?: boolean;
  /** Token counts, when the provider reports usage at the end of the stream. */
  usage?: TryChatUsage;
  /** The model's thinking, apart from `text` (reasoning_content, reasoning, or inline <think> tags). */
  reasoning?: string;
}

export interface TryChatUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider reused from its cache (OpenAI's prompt_tokens_details.cached_tokens). */
  cachedTokens?: number;
}

export interface TryChatChunk {
  id: string;
  delta: string;
  /** Set on a piece of the model's thinking rather than of its answer. */
  reasoning?: true;
}
