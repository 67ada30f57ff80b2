import { APP_HOST, APP_SCHEME } from './app-protocol';

/** Where the app's own renderer lives: the built page on app://local/, and the dev server while developing. */
export interface RendererLocation {
  /** app://local/index.html (see app-protocol.ts). */
  appUrl: URL;
  devUrl?: URL;
}

/**
 * True when `url` is our own renderer: the built index.html on app://local (any query or hash) or,
 * in development, a page on the dev server's origin. Pure, so it is tested without Electron.
 */
export function isOwnRendererUrl(url: string | undefined, location: RendererLocation): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.devUrl && parsed.origin !== 'null' && parsed.origin === location.devUrl.origin) return true;
  // Node gives non-special schemes an opaque origin, so the scheme and host are compared themselves.
  const own = location.appUrl;
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || own.host !== APP_HOST) return false;
  if (parsed.username || parsed.password || parsed.port) return false;
  return parsed.pathname === own.pathname || parsed.pathname === '/';
}
