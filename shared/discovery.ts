import { z } from 'zod';
import type { HealthSample } from './provider';
import { isHostName } from './host-name';

/**
 * Discovery: servers found answering on known ports (or on endpoints the user added), what they are,
 * and whether this app started them.
 */

/** What a probe made of a server. */
export type DiscoveryKind =
  /** Identified as one of the catalog's providers. */
  | 'provider'
  /** Speaks OpenAI's /v1/models but matches no recipe. */
  | 'openai-compatible'
  /** Answers only 401/403: running, but it wants a key we do not have. */
  | 'locked'
  /** An HTTP server that is not an LLM server we know (or is not telling). */
  | 'other';

/** How sure the identification is: by a provider's own endpoint, by shared imitable signals, or only by the port. */
export type DiscoveryConfidence = 'strong' | 'weak' | 'port';

/** Why a target was probed. */
export type DiscoverySource = 'default-port' | 'ours' | 'endpoint' | 'child';

export interface DiscoveredServer {
  /** `host:port`, unique within one result. */
  key: string;
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:11434; OpenAI clients add /v1. */
  baseUrl: string;
  kind: DiscoveryKind;
  /** The recipe it was identified as (kind `provider`, or `locked` with confidence `port`). */
  providerId?: string;
  providerName?: string;
  confidence?: DiscoveryConfidence;
  /** The signals that decided it, in words, strongest first: "GET /.well-known/localai.json: endpoints". */
  evidence: string[];
  version?: string;
  models: string[];
  /** 401/403 on its API: running, locked (it needs an API key); `keyRefused`: even with the key saved for it. */
  locked?: { status: number; keyRefused?: boolean };
  /** It let us in with the key saved for its endpoint or provider (the key itself stays in the host). */
  withKey?: boolean;
  /** `ours`: a provider this app runs listens here. */
  ownership: 'ours' | 'external';
  /** The catalog id we run on this port, when `ours`. */
  ownedBy?: string;
  sources: DiscoverySource[];
  /** The recipe's health check (or /v1/models for unknown servers) passed. */
  healthy: boolean;
  health?: HealthSample;
  /** The listening process, for servers on this machine when the OS tells us. */
  pid?: number;
  command?: string;
  /**
   * The app this server belongs to, when the process tree shows it was started by another found
   * server (Ollama's and Jan's llama-server runners): not a provider of its own.
   */
  parent?: { key: string; pid: number; providerId?: string; providerName?: string };
  /** The `Server` response header, which often names the program. */
  serverHeader?: string;
}

export interface DiscoveryResults {
  servers: DiscoveredServer[];
  /** When the last scan finished; absent before the first. */
  scannedAt?: string;
  durationMs?: number;
  /** How many host:port targets the last scan probed. */
  probed: number;
  /** The user's endpoints, as saved. */
  endpoints: string[];
  intervalSec: number;
}

/** A server the gateway may route to that this app does not run. */
export interface ExternalUpstream {
  /** Unique: `<providerId>@<host>:<port>`. */
  id: string;
  /** The recipe id, or `openai-compatible` for a server that matched none. */
  providerId: string;
  name: string;
  /** Without /v1. */
  baseUrl: string;
  models: string[];
  /** Health passed and it is not locked. */
  healthy: boolean;
  locked: boolean;
}

export const DEFAULT_DISCOVERY_INTERVAL_SEC = 15;

/**
 * A user endpoint in its saved form, `host:port` (IPv6 in brackets). A leading http:// and a
 * trailing slash are dropped, and so is an OpenAI base path (`/v1`), as in the base URL a server's
 * docs give (http://127.0.0.1:1234/v1); `localhost` becomes 127.0.0.1, since it may resolve to ::1
 * where the server listens on IPv4 only.
 */
export function normalizeEndpoint(input: string): { ok: true; endpoint: string } | { ok: false; message: string } {
  const text = input
    .trim()
    .replace(/^http:\/\//i, '')
    .replace(/\/+$/, '')
    .replace(/\/v1$/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { ok: false, message: 'only plain http:// servers can be probed' };
  if (/^[^/]+:\d+\//.test(text)) return { ok: false, message: 'give the server as host:port, without a path (e.g. 127.0.0.1:8000)' };
  const match = /^(.+):(\d+)$/.exec(text);
  if (!match) return { ok: false, message: 'must be host:port, e.g. 127.0.0.1:11434 or gpu-box.lan:8000' };
  const [, rawHost, rawPort] = match as unknown as [string, string, string];
  const port = Number(rawPort);
  if (port < 1 || port > 65535) return { ok: false, message: 'the port must be 1 to 65535' };
  const host = rawHost.toLowerCase() === 'localhost' ? '127.0.0.1' : rawHost;
  // An IPv6 address comes in brackets here: without them, its colons would read as the port's.
  if (!isHostName(host) || (host.includes(':') && !host.startsWith('[')))
    return { ok: false, message: `"${rawHost}" is not a host name or IP address` };
  return { ok: true, endpoint: `${host}:${port}` };
}

export const EndpointSchema = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const result = normalizeEndpoint(value);
    if (result.ok) return result.endpoint;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });

export const DiscoverySettingsSchema = z
  .object({
    /** Extra servers to probe (host:port, any machine). */
    endpoints: z.array(EndpointSchema).max(100).default([]),
    /** How often the whole scan repeats; 0 turns the periodic scan off. */
    intervalSec: z.number().int().min(0).max(3600).default(DEFAULT_DISCOVERY_INTERVAL_SEC),
  })
  .strict();
export type DiscoverySettings = z.infer<typeof DiscoverySettingsSchema>;
