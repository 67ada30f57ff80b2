import { app, session, shell } from 'electron';

/**
 * App-wide rules for every web page Electron creates: no new windows, no navigation away from our
 * renderer, no <webview>, no permissions but writing to the clipboard. Web links open in the
 * user's browser instead.
 */
export function hardenWebContents(isOwnUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openInBrowser(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => {
      if (isOwnUrl(event.url)) return;
      event.preventDefault();
      openInBrowser(event.url);
    });
    // A server redirect and a frame's own navigation are two more ways off our page: refused the
    // same way, without opening anything (will-navigate above already offers a clicked link to the browser).
    contents.on('will-redirect', (event) => {
      if (!isOwnUrl(event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isOwnUrl(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  // "Copy" buttons use navigator.clipboard.writeText, which asks for this one.
  const allowed = (permission: string, url: string | undefined) =>
    permission === 'clipboard-sanitized-write' && url !== undefined && isOwnUrl(url);
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowed(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, _origin, details) => allowed(permission, details.requestingUrl));
}

/**
 * The built page gets its CSP from app-protocol.ts (header and meta tag); pages from the dev server get it here.
 * Vite's dev client needs an inline script (the React refresh preamble) and a WebSocket back to it.
 */
export function applyDevServerCsp(devUrl: URL): void {
  const policy = [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${devUrl.protocol === 'https:' ? 'wss' : 'ws'}://${devUrl.host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    if (!details.url.startsWith(devUrl.origin)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

function openInBrowser(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return;
  }
  // Only web links: file:, custom schemes and the like could launch local programs.
  if (protocol === 'https:' || protocol === 'http:') {
    shell.openExternal(url).catch((error: unknown) => console.error(`Could not open ${url}:`, error));
  }
}
