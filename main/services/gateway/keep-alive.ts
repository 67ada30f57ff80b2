/** Ollama's duration units for keep_alive ("5m", "1h30m", "90s", "500ms"). */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const KEY = Buffer.from('"keep_alive"', 'latin1');

/**
 * A keep_alive value as Ollama takes it, in ms: a number is seconds, a string a Go duration
 * ("5m", "1h30m") or a number of seconds; 0 unloads after the request; negative keeps the model
 * loaded (Infinity). undefined when absent or not understood (the TTL setting applies).
 */
export function keepAliveMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? Infinity : value * 1000;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-/.test(text)) return Infinity;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNITS[unit!]!;
  return ms;
}

/**
 * The top-level keep_alive of a request body held as chunks. Read only for requests to a model
 * loaded on demand, and parsed only when the key appears at all, so other bodies cost one search.
 */
export function keepAliveIn(chunks: Buffer[]): number | undefined {
  if (chunks.length === 0) return undefined;
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (body.indexOf(KEY) < 0) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { keep_alive?: unknown };
    return keepAliveMs(parsed.keep_alive);
  } catch {
    return undefined;
  }
}
