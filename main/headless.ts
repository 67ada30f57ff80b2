import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sirv from 'sirv';
import type { Contract } from '../shared/contract';
import { AppFailure } from '../shared/errors';
import type { RpcServer } from '../shared/rpc/server';
import {
  declaredLength,
  DEFAULT_MAX_CONNECTIONS,
  discardBody,
  guardListener,
  hardenServer,
  parseRequestTarget,
  sameSitePath,
  serverOptions,
  type ServerLimits,
} from './services/os/http-boundary';
import { isLoopbackHostHeader, isLoopbackName } from './services/os/loopback';
import { portTakenMessage } from './services/os/ports';
import { createSessionToken, tokenCookieName, tokenFromRequest, tokensMatch } from './transports/session-token';
import { bindWebSocket } from './transports/ws';
import { DEFAULT_UI_PORT, MIN_EXPOSED_KEY_LENGTH } from './headless-defaults';

export { DEFAULT_UI_PORT, MIN_EXPOSED_KEY_LENGTH } from './headless-defaults';

export interface HeadlessServerOptions {
  rpc: RpcServer<Contract>;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host?: string;
  /**
   * Needed to bind beyond loopback, together with a `token` the user chose (an API key of at least
   * MIN_EXPOSED_KEY_LENGTH characters): a typo in --host must not put the app on the network, and a
   * key printed only in one terminal is no key for others to use.
   */
  expose?: boolean;
  port?: number;
  /** The user asked for this port: fail if it is taken instead of picking another. */
  strictPort?: boolean;
  token?: string;
  /** Connection cap and timeouts; tests shrink them. */
  limits?: Partial<ServerLimits>;
}

export interface HeadlessServer {
  /** The URL to open, token included. */
  url: string;
  host: string;
  port: number;
  token: string;
  /** Things the user should be told (non-loopback bind, port fallback, missing UI build). */
  notices: string[];
  close(): Promise<void>;
}

/** The desktop window's policy (app-protocol.ts): no plugins, no <base>, no form posts, never framed. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Past this a body sent to the host (which takes none) is no longer read but cut. */
const MAX_DISCARDED_BODY_BYTES = 1024 * 1024;

/** Slow clients get 408 and lose their socket; the host serves files, so requests are small and quick. */
const HEADLESS_LIMITS: ServerLimits = { maxConnections: DEFAULT_MAX_CONNECTIONS, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * The built UI's file server, made again when a new build lands (index.html changed): sirv reads
 * the folder once, so a build made while the host runs would otherwise answer the new page's
 * assets with 404 and show a blank page until a restart. Undefined while there is no build.
 */
function builtUi(staticDir: string): () => ReturnType<typeof sirv> | undefined {
  let stamp: string | undefined;
  let serve: ReturnType<typeof sirv> | undefined;
  return () => {
    const index = statSync(path.join(staticDir, 'index.html'), { throwIfNoEntry: false });
    const now = index && `${index.mtimeMs}:${index.size}`;
    if (now !== stamp) {
      stamp = now;
      serve = now === undefined ? undefined : sirv(staticDir, { dev: false, etag: true, single: true });
    }
    return serve;
  };
}

/**
 * The headless host: the same renderer over HTTP and the same contract over WebSocket, behind a
 * per-start token. Loopback only unless told otherwise.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackName(host)) assertExposureAllowed(host, options);
  const token = options.token ?? createSessionToken();
  const notices: string[] = [];
  if (!existsSync(path.join(options.staticDir, 'index.html')))
    notices.push(`The UI is not built (${options.staticDir} has no index.html): run "npm run build".`);
  const ui = builtUi(options.staticDir);
  const limits: ServerLimits = { ...HEADLESS_LIMITS, ...options.limits };
  let port = 0;

  // Bound to loopback: only loopback names may reach us, which defeats DNS rebinding.
  const hostAllowed = (hostHeader: string | undefined): boolean => !isLoopbackName(host) || isLoopbackHostHeader(hostHeader);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    const target = parseRequestTarget(req.url);
    if (!target) return sendText(res, 400, 'The request target must be a path starting with "/".', { close: true });
    if (target.pathname === '/healthz') return sendText(res, 200, 'ok');
    if (!hostAllowed(req.headers.host)) return sendText(res, 403, 'Forbidden host name.');
    // The host only serves files: a body is not ours. It is dropped (up to a bound) rather than
    // left unread, so the client sees the answer instead of a reset connection.
    const body = hasBody(req);
    const tooLong = (declaredLength(req) ?? 0) > MAX_DISCARDED_BODY_BYTES;
    if (body) discardBody(req, MAX_DISCARDED_BODY_BYTES);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'This host serves pages with GET and HEAD only.', { close: tooLong, headers: { Allow: 'GET, HEAD' } });
    }
    if (body) return sendText(res, 413, 'A page request carries no body.', { close: tooLong });
    const given = tokenFromRequest(req, port);
    if (!tokensMatch(token, given.token)) return sendUnauthorized(res);
    if (given.fromQuery) {
      // Move the token from the URL into a cookie so it does not linger in history or bookmarks.
      target.searchParams.delete('token');
      const search = target.searchParams.toString();
      res.setHeader('Set-Cookie', `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`);
      res.statusCode = 302;
      // `//evil.example/?token=…` must not become a redirect to another site.
      res.setHeader('Location', sameSitePath(target.pathname) + (search ? `?${search}` : ''));
      return void res.end();
    }
    const serveStatic = ui();
    if (!serveStatic) return sendText(res, 503, 'The UI is not built: run "npm run build", then reload this page.');
    res.setHeader('Cache-Control', 'no-store');
    // sirv passes a Range it cannot satisfy (bytes=5-2) to createReadStream, which throws.
    if (req.headers.range !== undefined && !isSimpleRange(req.headers.range)) delete req.headers.range;
    serveStatic(req, res, () => sendText(res, 404, 'Not found.'));
  };

  const server = createServer(
    serverOptions(limits),
    guardListener(handle, (res) => sendText(res, 500, 'The host failed on this request; the error is in its log.', { close: true })),
  );
  hardenServer(server, limits, { raw: rawText, reply: (res, status, message) => sendText(res, status, message, { close: true }) });

  port = await listen(server, host, options.port ?? DEFAULT_UI_PORT, options.strictPort ?? false, notices);
  const unbindWs = bindWebSocket(server, {
    rpc: options.rpc,
    isAuthorized: (req) => tokensMatch(token, tokenFromRequest(req, port).token),
    isAllowedOrigin: (origin, req) => hostAllowed(req.headers.host) && origin === `http://${req.headers.host}`,
  });

  if (!isLoopbackName(host)) {
    notices.push(
      `Listening on ${host}, beyond this machine: anyone who can reach it and has the token controls the app, over plain HTTP. ` +
        'Prefer --host 127.0.0.1 with an SSH tunnel (ssh -L).',
    );
  }
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    notices,
    async close() {
      await unbindWs();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listen(
  server: ReturnType<typeof createServer>,
  host: string,
  port: number,
  strict: boolean,
  notices: string[],
): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => reject(error);
      server.once('error', onError);
      server.listen(p, host, () => {
        server.off('error', onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
  try {
    return await attempt(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && !strict && port !== 0) {
      const chosen = await attempt(0);
      notices.push(`Port ${port} is in use; using port ${chosen} instead.`);
      return chosen;
    }
    if (code === 'EADDRINUSE') {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `Cannot listen on ${host}: ${await portTakenMessage(port)}`,
        hint: 'Choose another with --port N, or --port 0 for any free port.',
      });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `Cannot listen on ${host}: no such address on this machine.`,
        hint: 'Use 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces).',
      });
    }
    throw error;
  }
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  options: { close?: boolean; headers?: Record<string, string> } = {},
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  // Closing spares reading (and dropping) a body nobody asked for before the next request.
  if (options.close) res.setHeader('Connection', 'close');
  res.end(`${text}\n`);
}

/** The plain-text answer to bytes the HTTP parser rejected (there is no ServerResponse for them). */
function rawText(status: number, reason: string, message: string): string {
  const body = `${message}\n`;
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** One range `bytes=a-` or `bytes=a-b` with a ≤ b: all sirv can serve without throwing. */
function isSimpleRange(range: string): boolean {
  const match = /^bytes=(\d{1,15})-(\d{0,15})$/.exec(range);
  return match !== null && (match[2] === '' || Number(match[1]) <= Number(match[2]));
}

function sendUnauthorized(res: ServerResponse): void {
  res.statusCode = 401;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(
    '<!doctype html><meta charset="utf-8"><title>Local LLM Manager: token needed</title>' +
      '<body style="font-family:system-ui;max-width:40em;margin:4em auto;color:#ddd;background:#15171c">' +
      '<h1>Session token needed</h1><p>This Local LLM Manager host only answers the link it printed when it started, ' +
      'the one ending in <code>?token=…</code>. Open that link (it is in the terminal that runs the host). ' +
      'A restarted host has a new token.</p></body>\n',
  );
}

function assertExposureAllowed(host: string, options: HeadlessServerOptions): void {
  if (!options.expose) {
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `Refusing to listen on ${host}: that reaches beyond this machine.`,
      hint: 'Pass --expose (and set HELIX_LOCAL_LLM_HOST_KEY) to mean it, or use --host 127.0.0.1 with an SSH tunnel (ssh -L).',
    });
  }
  // URL- and cookie-safe characters only: the key travels as ?token= and in the session cookie.
  if (!options.token || options.token.length < MIN_EXPOSED_KEY_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(options.token)) {
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `An exposed host needs an API key of at least ${MIN_EXPOSED_KEY_LENGTH} characters (letters, digits, . _ ~ -).`,
      hint: 'Set HELIX_LOCAL_LLM_HOST_KEY, e.g. to the output of "openssl rand -hex 32"; clients send it as ?token=… or Authorization: Bearer ….',
    });
  }
}
