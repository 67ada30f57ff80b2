import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseRequestTarget } from '../services/os/http-boundary';

/** A fresh secret per host start, as Jupyter does: whoever has the printed URL may use the host. */
export function createSessionToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies ignore ports, so two hosts on one machine must not share a cookie name. */
export function tokenCookieName(port: number): string {
  return `llm_token_${port}`;
}

/**
 * Compares in constant time whatever the client sent. Both sides are hashed first: timingSafeEqual
 * throws on buffers of unequal length, and a string's length is not its UTF-8 byte length (one
 * byte above 0x7F in a header of the right length would otherwise throw inside the listener).
 */
export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The token a request carries: `?token=` in the URL, the cookie, or `Authorization: Bearer`.
 * Never throws, whatever the request holds: an unreadable part simply carries no token.
 */
export function tokenFromRequest(req: IncomingMessage, port: number): { token?: string; fromQuery: boolean } {
  const query = parseRequestTarget(req.url)?.searchParams.get('token') ?? undefined;
  if (query) return { token: query, fromQuery: true };
  const authorization = req.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  if (bearer) return { token: bearer, fromQuery: false };
  return { token: readCookie(req.headers.cookie, tokenCookieName(port)), fromQuery: false };
}

/** One cookie's value; undefined when absent or not valid percent-encoding (`%` alone, `%zz`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
