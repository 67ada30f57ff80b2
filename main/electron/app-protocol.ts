import path from 'node:path';

/**
 * The built renderer is served from app://local/ rather than file://: a file: page shares its origin
 * with every file on disk, a custom standard+secure scheme gives it one origin of its own ('self' in
 * the CSP means our files only) and lets this module decide what may be read. Pure, tested in Node;
 * `protocol.ts` binds it to Electron.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'local';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The page's policy, sent as a header with every app:// response (the meta tag in index.html says the same). */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export type AppRequestTarget = { ok: true; file: string; mimeType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Which file under `rendererDir` an app:// request may read. Only our host, only GET-able paths
 * that stay inside the folder once decoded and normalised, only file types we ship (an unknown type
 * is refused rather than sniffed). '/' is the index page.
 */
export function resolveAppRequest(requestUrl: string, rendererDir: string, pathApi: path.PlatformPath = path): AppRequestTarget {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403, reason: 'not our host' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  // A NUL or a backslash never names one of our files; both are classic ways to slip past a prefix check.
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'bad path' };
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = pathApi.resolve(rendererDir);
  const file = pathApi.resolve(root, relative);
  if (file !== root && !file.startsWith(root + pathApi.sep)) return { ok: false, status: 403, reason: 'outside the renderer folder' };
  const mimeType = MIME_TYPES[pathApi.extname(file).toLowerCase()];
  if (!mimeType) return { ok: false, status: 404, reason: 'not a file type the UI ships' };
  return { ok: true, file, mimeType };
}
