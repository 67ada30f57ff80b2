import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_CSP, APP_SCHEME, resolveAppRequest } from './app-protocol';

/** Must run before the app is ready: a scheme's privileges are fixed when Chromium starts. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: relative URLs and an origin of its own; secure: treated like https (no mixed-content downgrade).
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer on app://local/ (see app-protocol.ts for what may be read). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
    const target = resolveAppRequest(request.url, rendererDir);
    if (!target.ok) return new Response(target.reason, { status: target.status });
    try {
      const body = await readFile(target.file);
      return new Response(request.method === 'HEAD' ? null : body, {
        headers: {
          'Content-Type': target.mimeType,
          'Content-Security-Policy': APP_CSP,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-cache',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
