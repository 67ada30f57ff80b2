import { z } from 'zod';

/**
 * Web pages (by origin) that may call the gateway from a browser (CORS). The default is what
 * Ollama allows out of the box: pages served from this machine, on any port. `*` allows every
 * site the user visits, which is why it is never the default.
 */
export const DEFAULT_CORS_ORIGINS = [
  'http://localhost:*',
  'https://localhost:*',
  'http://127.0.0.1:*',
  'https://127.0.0.1:*',
  'http://[::1]:*',
  'https://[::1]:*',
  // Desktop apps' own pages (Electron, Tauri, VS Code webviews) call local servers too.
  'app://*',
  'tauri://*',
  'vscode-webview://*',
];

/** `*`, or scheme://host with an optional :port or :* (any port), or scheme://* (any host); no path, as browsers send it. */
export const CorsOrigin = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(
    /^(\*|[a-z][a-z0-9+.-]*:\/\/(\*|(\[[0-9a-f:.]+\]|[^\s/:[\]*]+)(:(\d{1,5}|\*))?))$/i,
    'must be an origin such as http://localhost:3000 (scheme://host, an optional :port or :* for any port, no path), scheme://* for any host, or *',
  );

export const CorsOriginsSchema = z.array(CorsOrigin).max(50);

/** Whether a browser's `Origin` header matches one of `patterns` (see CorsOrigin). */
export function corsAllows(patterns: readonly string[], origin: string): boolean {
  const given = origin.toLowerCase();
  for (const pattern of patterns) {
    if (pattern === '*') return true;
    const wanted = pattern.toLowerCase();
    if (wanted.endsWith('://*')) {
      if (given.startsWith(wanted.slice(0, -1)) && given.length > wanted.length - 1) return true;
      continue;
    }
    if (!wanted.endsWith(':*')) {
      if (given === wanted) return true;
      continue;
    }
    const base = wanted.slice(0, -2);
    if (given === base || (given.startsWith(`${base}:`) && /^\d{1,5}$/.test(given.slice(base.length + 1)))) return true;
  }
  return false;
}
