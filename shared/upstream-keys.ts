import { z } from 'zod';
import { EndpointSchema } from './discovery';
import { ProviderId } from './recipe';

/**
 * API keys for servers that want one (TabbyAPI, vLLM with --api-key, LM Studio or Jan with a key):
 * kept per provider or per saved endpoint, outside settings.json, and never sent back to a client
 * in full.
 */

/** Whose key: a catalog provider (ours, or the external server found as it on this machine), or a saved host:port. */
export type KeyTarget = { provider: string } | { endpoint: string };

export const KeyTargetSchema = z.union([z.object({ provider: ProviderId }).strict(), z.object({ endpoint: EndpointSchema }).strict()], {
  error: 'name either "provider" (a provider id) or "endpoint" (a saved host:port), not both',
});

export const MAX_KEY_LENGTH = 512;

/** Bearer tokens are printable ASCII without spaces (RFC 6750's b64token is stricter still). */
export const ApiKeySchema = z
  .string()
  .transform((key) => key.trim())
  .pipe(
    z
      .string()
      .min(1, 'the key is empty: paste the key the server gave you')
      .max(MAX_KEY_LENGTH, `the key is longer than ${MAX_KEY_LENGTH} characters: paste only the key, not a whole file`)
      .regex(/^[\x21-\x7e]+$/, 'the key may hold only printable ASCII without spaces: paste the key alone, without "Bearer " or quotes'),
  );

export const SetKeySchema = z.intersection(KeyTargetSchema, z.object({ key: ApiKeySchema }));

/** One key held, as a client may see it. */
export interface KeyInfo {
  target: KeyTarget;
  /** The last four characters, so the user can tell which key it is. */
  last4: string;
  /** `saved`: the user gave it; `provider-file`: a provider we run wrote it (TabbyAPI's api_tokens.yml). */
  source: 'saved' | 'provider-file';
}

export interface KeysStatus {
  /** Where saved keys live: the OS keychain (Electron's safeStorage) or a 0600 file. */
  storage: 'keychain' | 'file';
  /** Why the keychain is not used, or what went wrong reading the store (a file kept aside). */
  notes: string[];
  keys: KeyInfo[];
}

/** `provider:<id>` or `endpoint:<host:port>`: how a target is named in the store. */
export function keyName(target: KeyTarget): string {
  return 'provider' in target ? `provider:${target.provider}` : `endpoint:${target.endpoint}`;
}

export function targetOfName(name: string): KeyTarget | undefined {
  if (name.startsWith('provider:')) return { provider: name.slice('provider:'.length) };
  if (name.startsWith('endpoint:')) return { endpoint: name.slice('endpoint:'.length) };
  return undefined;
}
