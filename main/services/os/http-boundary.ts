import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isLoopbackSocketAddress } from './loopback';

// The boundary every HTTP listener of ours stands behind (headless host, gateway, engine): the
// bytes a client sends are hostile, and nothing they contain may reach the process as an
// exception. Each server brings its own wire shape (plain text, OpenAI JSON); this file owns the
// parsing that can throw, the limits, and the last-resort catch.

/** Connections one server holds at once; past it new ones are closed at accept (see `hardenServer`). */
export const DEFAULT_MAX_CONNECTIONS = 512;

export interface ServerLimits {
  maxConnections: number;
  /** A client has this long to send its request headers (slowloris), then gets 408. */
  headersTimeoutMs: number;
  /** …and this long to send the whole request. */
  requestTimeoutMs: number;
}

/** How a server words its errors: as raw bytes for a socket the parser gave up on, and on a response. */
export interface ErrorShape {
  /** A complete HTTP response (status line to body) with Connection: close. */
  raw(status: number, reason: string, message: string): string;
  reply(res: ServerResponse, status: number, message: string): void;
}

/** The options for `http.createServer` that carry the limits (Node only reads some of them there). */
export function serverOptions(limits: ServerLimits): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
  keepAliveTimeout: number;
  requireHostHeader: boolean;
} {
  return {
    // Node answers a missing Host with a bare 400 of its own; our handlers refuse it in their shape.
    requireHostHeader: false,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // How often Node looks for requests past those timeouts (its default, 30 s, is too coarse).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 4)),
    keepAliveTimeout: 5_000,
  };
}

/**
 * Caps connections, answers what the HTTP parser rejects in the server's own shape, and keeps a
 * runtime server error (EMFILE at accept) from becoming an unhandled 'error' event.
 */
export function hardenServer(
  server: Server,
  limits: ServerLimits,
  shape: ErrorShape,
  log: (message: string) => void = console.error,
): void {
  // Node closes a connection past the cap at accept, before it costs a parser or a buffer.
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, shape, limits));
  // Node answers an Expect it does not know with a bare 417; ours carries the server's shape.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    try {
      res.shouldKeepAlive = false;
      shape.reply(
        res,
        417,
        `The server does not support "Expect: ${String(req.headers.expect).slice(0, 100)}"; send the request without it.`,
      );
    } catch {
      res.destroy();
    }
  });
  // Listen errors (EADDRINUSE) belong to whoever called listen(); after that, an error here is
  // the machine running out of something, and the server keeps accepting once it recovers.
  server.once('listening', () => server.on('error', (error) => log(`HTTP server error (still serving): ${error.message}`)));
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket, shape: ErrorShape, limits: ServerLimits): void {
  try {
    // A response already under way cannot be followed by another status line: cut it instead.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const [status, reason, message] = classify(error, limits);
    socket.end(shape.raw(status, reason, message));
    // end() waits for the client's half of the close; a client that never sends it must not pin the socket.
    socket.once('finish', () => socket.destroy());
  } catch {
    socket.destroy();
  }
}

function classify(error: NodeJS.ErrnoException, limits: ServerLimits): [number, string, string] {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [
      408,
      'Request Timeout',
      `The request did not arrive in time (headers within ${limits.headersTimeoutMs} ms, the whole request within ${limits.requestTimeoutMs} ms). Send it again without pausing.`,
    ];
  }
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return [431, 'Request Header Fields Too Large', 'The request headers are too large. Send fewer or shorter headers.'];
  return [400, 'Bad Request', `The request is not valid HTTP (${error.code ?? 'parse error'}).`];
}

export type Listener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Wraps a request listener so that nothing it throws or rejects reaches the process: the error is
 * logged with its stack (it is our bug, not the client's) and the client gets `fail`'s answer, or a
 * cut connection when the response had already begun.
 */
export function guardListener(
  listener: Listener,
  fail: (res: ServerResponse, error: unknown) => void,
  log: (message: string) => void = console.error,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const onError = (error: unknown) => {
      try {
        log(
          `HTTP handler failed on ${req.method} ${String(req.url).slice(0, 200)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (res.headersSent || res.destroyed) cutResponse(res);
        else fail(res, error);
      } catch {
        res.destroy();
      }
    };
    try {
      const result = listener(req, res);
      if (result && typeof result.then === 'function') result.then(undefined, onError);
    } catch (error) {
      onError(error);
    }
  };
}

/**
 * Ends a response that broke after its headers went out (a stream cut by the upstream, a
 * generation that failed or stopped early): the connection is destroyed, so the client sees an
 * error (no final chunk, no `data: [DONE]`), never a truncated answer that looks complete.
 */
export function cutResponse(res: ServerResponse): void {
  res.destroy();
}

export interface RequestTarget {
  pathname: string;
  searchParams: URLSearchParams;
}

/**
 * The path and query of a request, or undefined when the target is not a path (absolute-form
 * `http://x/`, authority-form, `*`). Never throws: `new URL('//', base)` does, which is why a
 * bare `new URL(req.url, base)` is never used on a request. `//x` stays a path here, not a host.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return undefined;
  try {
    const url = new URL(`http://request.invalid${raw}`);
    return { pathname: url.pathname, searchParams: url.searchParams };
  } catch {
    return undefined;
  }
}

/** A path safe to put in a same-site `Location` header: `//evil.example` would leave the site. */
export function sameSitePath(pathname: string): string {
  return `/${pathname.replace(/^[/\\]+/, '')}`;
}

/** True when the connection came in on a loopback address (the server may be bound wider). */
export function arrivedOnLoopback(req: IncomingMessage): boolean {
  return isLoopbackSocketAddress(req.socket.localAddress);
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads a request body up to `maxBytes`. Past it the answer is `too_large` at once (a declared
 * Content-Length counts), and the rest is read and dropped up to four times the cap, so the client
 * sees the caller's 413 rather than a reset; a body larger still is cut.
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const refuse = () => {
      chunks.length = 0;
      settle({ ok: false, reason: 'too_large' });
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (settled) {
        if (size > maxBytes * 4) req.destroy();
        return;
      }
      if (size > maxBytes) return refuse();
      chunks.push(chunk);
    });
    req.on('end', () => settle({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ ok: false, reason: 'aborted' }));
    req.on('close', () => settle({ ok: false, reason: 'aborted' }));
    if (Number.isFinite(declared) && declared > maxBytes) refuse();
  });
}

/**
 * Reads and drops a body nobody will use, up to `maxBytes`, then cuts the connection. Answering
 * and closing while the client is still sending makes the kernel reset the connection, and the
 * client may then never see the answer; reading the rest lets it arrive.
 */
export function discardBody(req: IncomingMessage, maxBytes: number): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

/** The Content-Length a request declares, or undefined when it declares none (or nonsense). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const value = Number(req.headers['content-length']);
  return req.headers['content-length'] !== undefined && Number.isFinite(value) ? value : undefined;
}
