/** What a removed secret reads as in a diagnostics archive. */
export const REMOVED = '[removed]';

/** Setting names that hold a secret wherever they sit (gateway.apiKey, a token, a password…). */
const SECRET_NAME = /(api[-_]?key|token|secret|password|passwd|authorization|credential|cookie)/i;

/** A copy of parsed settings with every secret-named value replaced, at any depth. */
export function redactSettings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSettings);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([name, inner]) => [
      name,
      SECRET_NAME.test(name) && inner !== null && inner !== undefined && inner !== '' ? REMOVED : redactSettings(inner),
    ]),
  );
}

/**
 * Log text with secrets taken out: every known secret (the gateway key, saved API keys, the host's
 * key) wherever it appears, and what looks like one by its place — `Authorization: Bearer …`,
 * `--api-key …`, `token=…`, `"api_key": "…"` — since a provider may print a key we never saw.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a key that contains another is removed whole. Short strings are not secrets and would shred the text.
  for (const secret of [...new Set(secrets)].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length))
    out = out.split(secret).join(REMOVED);
  return out
    .replace(/\b(bearer)\s+[^\s"',]+/gi, `$1 ${REMOVED}`)
    .replace(/(--?[\w-]*(?:api[-_]?key|token|secret|password)[\w-]*)(=|\s+)(?!\[removed\])[^\s"',]+/gi, `$1$2${REMOVED}`)
    .replace(/\b([\w-]*(?:api[-_]?key|token|secret|password)[\w-]*)=(?!\[removed\])[^\s&"',]+/gi, `$1=${REMOVED}`)
    .replace(/("[\w-]*(?:api[-_]?key|token|secret|password)[\w-]*"\s*:\s*")[^"]+(")/gi, `$1${REMOVED}$2`);
}
