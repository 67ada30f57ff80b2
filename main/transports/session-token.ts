import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh secret per host start, as Jupyter does: whoever has the printed URL may use the host. */
export function createSessionToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies ignore ports, so two hosts on one machine must not share a cookie name. */
export function tokenCookieName(port: number): string {
  return `llm_token_${port}`;
}

export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: `?token=` in the URL, the cookie, or `Authorization: Bearer`. */
export function tokenFromRequest(req: IncomingMessage, port: number): { token?: string; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://host.invalid');
  const query = url.searchParams.get('token') ?? undefined;
  if (query) return { token: query, fromQuery: true };
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return { token: bearer, fromQuery: false };
  return { token: readCookie(req.headers.cookie, tokenCookieName(port)), fromQuery: false };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
