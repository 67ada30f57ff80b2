import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { HELD_MS } from '../os/wait-deadline';
import { UpstreamResponseParser, type ResponseHead } from './upstream-response-parser';

/**
 * The gateway's HTTP/1.1 client for its upstreams: kept-alive connections per origin, one write
 * per request, responses read by `UpstreamResponseParser`. It replaced undici here because the
 * gateway's cost per request is its product (issue 13): undici's general machinery (a parser
 * callback per header, a request object validating every header, a timer per request, a queue
 * per origin) was a fifth of the gateway's CPU time on a small request. What it does not do, the
 * gateway never asks for: no redirects, no HTTPS (upstreams are local or on the LAN), no
 * pipelining (a slow stream would hold up the next answer), no request retries of its own.
 *
 * Timeouts (connect, first byte, idle) are checked by one sweep timer per pool rather than a
 * timer per request.
 */

export interface UpstreamRequest {
  /** `http://127.0.0.1:8080`. */
  origin: string;
  /** The request target: `/v1/chat/completions`. */
  path: string;
  method: string;
  /** Name, value, name, value…; Host included; never Content-Length or Transfer-Encoding (set here). */
  headers: string[];
  /** A whole body, or one still arriving. */
  body: Buffer | Readable;
  /** A streamed body's declared length; without it the body goes chunked. */
  bodyLength?: number;
}

export interface UpstreamHandler {
  /** Called at once, with the way to abandon the request (the connection is closed). */
  onConnect(abort: (error?: Error) => void): void;
  /** The final status and headers; `resume` lets a paused body flow again. */
  onHeaders(status: number, headers: string[], resume: () => void): void;
  /**
   * A piece of the body; false stops reading from the socket until `resume` (pieces of a read
   * already made still arrive). `last`: `onComplete` follows at once.
   */
  onData(piece: Buffer, last: boolean): boolean;
  onComplete(): void;
  /** Once at most, and never after `onComplete`. */
  onError(error: Error): void;
}

export type UpstreamErrorCode =
  | 'UPSTREAM_CONNECT_TIMEOUT'
  | 'UPSTREAM_HEADERS_TIMEOUT'
  /** Closed (or reset) before the answer ended. */
  | 'UPSTREAM_CLOSED'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'UPSTREAM_BAD_REQUEST'
  | 'UPSTREAM_ABORTED';

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** It happened on a kept-alive connection before any answer: the request most likely never arrived. */
    readonly stale = false,
  ) {
    super(message);
  }
}

export interface UpstreamPoolOptions {
  connectTimeoutMs: number;
  /** From the request's last byte to the answer's headers. */
  headersTimeoutMs: number;
  /** An idle connection is closed after this long (or the upstream's own Keep-Alive timeout, if shorter). */
  keepAliveMs: number;
}

/** Idle connections kept per origin; more are closed when they come back. */
const MAX_IDLE_PER_ORIGIN = 256;
/** The last chunk of a body sent chunked (when no length was declared). */
const CHUNK_END = Buffer.from('0\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
const UNSAFE_HEADER = /[\r\n\0]/;

interface Origin {
  host: string;
  port: number;
  idle: Connection[];
}

export class UpstreamPool {
  private readonly origins = new Map<string, Origin>();
  private readonly connections = new Set<Connection>();
  private sweeper: NodeJS.Timeout | undefined;
  /** When the last sweep ran, or sweeping started. */
  private lastSweep = 0;
  private readonly sweepEveryMs: number;
  private destroyed = false;

  constructor(readonly options: UpstreamPoolOptions) {
    this.sweepEveryMs = Math.max(5, Math.min(500, options.connectTimeoutMs / 4, options.headersTimeoutMs / 4, options.keepAliveMs / 4));
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    const exchange = new Exchange(request, handler);
    handler.onConnect(exchange.abort);
    if (exchange.finished) return;
    if (this.destroyed) return exchange.fail(new UpstreamError('UPSTREAM_ABORTED', 'the gateway is shutting down'));
    const origin = this.originOf(request.origin);
    if (!origin) return exchange.fail(new UpstreamError('UPSTREAM_BAD_REQUEST', `"${request.origin}" is not an http:// origin`));
    const head = requestHead(request);
    if (head === undefined) return exchange.fail(new UpstreamError('UPSTREAM_BAD_REQUEST', 'a header value holds a line break'));
    const connection = origin.idle.pop() ?? this.connect(origin);
    connection.begin(exchange, head);
  }

  /** Closes every connection; requests under way end with an error. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.stopSweeping();
    for (const connection of [...this.connections]) connection.socket.destroy();
    this.connections.clear();
    this.origins.clear();
  }

  /** @internal the connection came back idle (or was closed). */
  released(connection: Connection): void {
    const origin = connection.origin;
    if (!connection.socket.destroyed && !this.destroyed && origin.idle.length < MAX_IDLE_PER_ORIGIN) {
      connection.idleSince = performance.now();
      origin.idle.push(connection);
    } else {
      connection.socket.destroy();
    }
  }

  /** @internal */
  closed(connection: Connection): void {
    this.connections.delete(connection);
    const idle = connection.origin.idle;
    const index = idle.indexOf(connection);
    if (index >= 0) idle.splice(index, 1);
    if (this.connections.size === 0) this.stopSweeping();
  }

  private connect(origin: Origin): Connection {
    const connection = new Connection(this, origin, net.connect({ host: origin.host, port: origin.port, noDelay: true }));
    this.connections.add(connection);
    if (!this.sweeper) {
      this.sweeper = setInterval(this.sweep, this.sweepEveryMs).unref();
      this.lastSweep = performance.now();
    }
    return connection;
  }

  private readonly sweep = (): void => {
    const now = performance.now();
    // Time this process did not run (stopped, or its loop held) does not count against an
    // upstream: what it sent meanwhile still waits in the socket, and a turn of the loop runs
    // timers before it reads sockets. Only the delay past the sweep's own interval is held time,
    // so a loop that is merely slow still times out a silent upstream, later.
    const held = now - this.lastSweep - this.sweepEveryMs;
    this.lastSweep = now;
    if (held > HELD_MS) for (const connection of this.connections) connection.pauseFor(held);
    const { connectTimeoutMs, headersTimeoutMs, keepAliveMs } = this.options;
    for (const connection of this.connections) connection.check(now, connectTimeoutMs, headersTimeoutMs, keepAliveMs);
  };

  private stopSweeping(): void {
    if (!this.sweeper) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private originOf(text: string): Origin | undefined {
    let origin = this.origins.get(text);
    if (origin) return origin;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'http:') return undefined;
    origin = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), idle: [] };
    this.origins.set(text, origin);
    return origin;
  }
}

/** `POST /path HTTP/1.1`, the headers, the body's framing; undefined when a value could split the head. */
function requestHead(request: UpstreamRequest): string | undefined {
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  const headers = request.headers;
  for (let i = 0; i < headers.length; i += 2) {
    const value = headers[i + 1]!;
    if (UNSAFE_HEADER.test(value) || UNSAFE_HEADER.test(headers[i]!)) return undefined;
    head += `${headers[i]}: ${value}\r\n`;
  }
  const body = request.body;
  if (Buffer.isBuffer(body)) head += `content-length: ${body.length}\r\n\r\n`;
  else if (request.bodyLength !== undefined) head += `content-length: ${request.bodyLength}\r\n\r\n`;
  else head += 'transfer-encoding: chunked\r\n\r\n';
  return head;
}

/** One request and its answer, from dispatch to the end. */
class Exchange {
  finished = false;
  started = false;
  connection: Connection | undefined;

  constructor(
    readonly request: UpstreamRequest,
    readonly handler: UpstreamHandler,
  ) {}

  /** The connection goes too (`fail` detaches it, which closes it). */
  readonly abort = (error?: Error): void => {
    this.fail(error ?? new UpstreamError('UPSTREAM_ABORTED', 'the request was abandoned'));
  };

  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.connection?.detach(this);
    this.handler.onError(error);
  }
}

class Connection {
  exchange: Exchange | undefined;
  /** Answers read to the end on this connection; the first request on a new one is never "stale". */
  private served = 0;
  private connected = false;
  private openedAt = performance.now();
  /** When the request's last byte went (the first-byte timeout runs from there); -1 while sending. */
  private sentAt = -1;
  idleSince = 0;
  /** The upstream's own `Keep-Alive: timeout`, when it gave one. */
  private upstreamKeepAliveMs: number | undefined;
  private socketError: Error | undefined;
  private paused = false;
  private parser: UpstreamResponseParser | undefined;

  constructor(
    private readonly pool: UpstreamPool,
    readonly origin: Origin,
    readonly socket: net.Socket,
  ) {
    socket.once('connect', () => (this.connected = true));
    socket.on('data', this.onData);
    socket.on('error', (error) => (this.socketError ??= error));
    socket.on('close', this.onClose);
  }

  begin(exchange: Exchange, head: string): void {
    this.exchange = exchange;
    exchange.connection = this;
    this.sentAt = -1;
    this.parser = new UpstreamResponseParser({
      onHead: (h) => this.onHead(exchange, h),
      onBody: (piece, last) => this.onBody(exchange, piece, last),
      onEnd: () => this.onEnd(exchange),
    });
    const body = exchange.request.body;
    if (Buffer.isBuffer(body)) {
      // Head and body in one buffer: one write, one segment for a small request.
      const bytes = Buffer.allocUnsafe(Buffer.byteLength(head, 'latin1') + body.length);
      body.copy(bytes, bytes.write(head, 0, 'latin1'));
      this.socket.write(bytes);
      this.sentAt = performance.now();
    } else {
      this.socket.write(head, 'latin1');
      this.stream(exchange, body);
    }
  }

  /** A body still arriving goes on as it comes, with backpressure both ways. */
  private stream(exchange: Exchange, body: Readable): void {
    const socket = this.socket;
    const chunked = exchange.request.bodyLength === undefined;
    const onDrain = () => body.resume();
    const cleanup = () => {
      body.off('data', onChunk);
      body.off('end', onEnd);
      body.off('close', onClose);
      body.off('error', onClose);
      socket.off('drain', onDrain);
    };
    const onChunk = (chunk: Buffer) => {
      if (exchange.finished) return cleanup();
      if (chunk.length === 0) return;
      if (chunked) socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      let ok = socket.write(chunk);
      if (chunked) ok = socket.write(CRLF);
      if (!ok) {
        body.pause();
        socket.once('drain', onDrain);
      }
    };
    const onEnd = () => {
      cleanup();
      if (exchange.finished) return;
      if (chunked) socket.write(CHUNK_END);
      this.sentAt = performance.now();
    };
    // Destroyed before its end: the attempt was given up, or the client went away.
    const onClose = () => {
      cleanup();
      if (exchange.finished || this.sentAt >= 0) return;
      exchange.fail(new UpstreamError('UPSTREAM_ABORTED', 'the request body ended early'));
      socket.destroy();
    };
    body.on('data', onChunk);
    body.once('end', onEnd);
    body.once('close', onClose);
    body.once('error', onClose);
  }

  private onHead(exchange: Exchange, head: ResponseHead): void {
    if (exchange.finished) return;
    exchange.started = true;
    this.upstreamKeepAliveMs = head.keepAliveMs;
    // Bound to this exchange: a late resume must not wake the connection's next request.
    const resume = () => {
      if (this.exchange !== exchange || !this.paused) return;
      this.paused = false;
      this.socket.resume();
    };
    exchange.handler.onHeaders(head.status, head.headers, resume);
  }

  private onBody(exchange: Exchange, piece: Buffer, last: boolean): void {
    if (exchange.finished) return;
    if (!exchange.handler.onData(piece, last) && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private onEnd(exchange: Exchange): void {
    if (exchange.finished) return;
    exchange.finished = true;
    this.served++;
    exchange.handler.onComplete();
  }

  private readonly onData = (data: Buffer): void => {
    const exchange = this.exchange;
    const parser = this.parser;
    if (!exchange || !parser) {
      // Bytes nobody asked for on an idle connection: it cannot be trusted with another request.
      this.socket.destroy();
      return;
    }
    try {
      if (!parser.push(data)) {
        exchange.fail(new UpstreamError('UPSTREAM_BAD_RESPONSE', `its answer is not valid HTTP: ${parser.error}`));
        this.socket.destroy();
        return;
      }
    } catch (error) {
      // A handler threw: that request fails, and the connection goes with it.
      exchange.fail(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
      return;
    }
    if (parser.done && this.exchange === exchange) this.release(exchange, parser);
  };

  /** The answer is complete: the connection goes back to the pool if nothing about it is in doubt. */
  private release(exchange: Exchange, parser: UpstreamResponseParser): void {
    const reusable = parser.reusable && this.sentAt >= 0;
    this.exchange = undefined;
    this.parser = undefined;
    exchange.connection = undefined;
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (reusable) this.pool.released(this);
    else this.socket.destroy();
  }

  /** A failed or abandoned request's connection is never reused: its state is unknown. */
  detach(exchange: Exchange): void {
    if (this.exchange !== exchange) return;
    this.exchange = undefined;
    this.parser = undefined;
    this.socket.destroy();
  }

  private readonly onClose = (): void => {
    const exchange = this.exchange;
    const parser = this.parser;
    this.exchange = undefined;
    this.parser = undefined;
    this.pool.closed(this);
    if (!exchange || exchange.finished) return;
    if (parser?.close()) return; // a body read until the connection closed: complete
    const stale = this.served > 0 && !exchange.started;
    const error =
      this.socketError && !exchange.started && !stale
        ? this.socketError
        : new UpstreamError(
            'UPSTREAM_CLOSED',
            exchange.started ? 'the connection closed before the answer ended' : 'the connection closed before any answer',
            stale,
          );
    exchange.fail(error);
  };

  /** The host did not run for `ms`: the connect and first-byte clocks stand still for that long. */
  pauseFor(ms: number): void {
    this.openedAt += ms;
    if (this.sentAt >= 0) this.sentAt += ms;
  }

  /** Called by the pool's sweep. */
  check(now: number, connectTimeoutMs: number, headersTimeoutMs: number, keepAliveMs: number): void {
    const exchange = this.exchange;
    if (!exchange) {
      const theirs = this.upstreamKeepAliveMs;
      // Close a little before the upstream would, so a request never meets a closing connection.
      const limit = theirs !== undefined ? Math.min(keepAliveMs, Math.max(0, theirs - 1000)) : keepAliveMs;
      if (now - this.idleSince >= limit) this.socket.destroy();
      return;
    }
    if (!this.connected && now - this.openedAt >= connectTimeoutMs) {
      exchange.fail(new UpstreamError('UPSTREAM_CONNECT_TIMEOUT', `no connection within ${connectTimeoutMs} ms`));
    } else if (!exchange.started && this.sentAt >= 0 && now - this.sentAt >= headersTimeoutMs) {
      exchange.fail(new UpstreamError('UPSTREAM_HEADERS_TIMEOUT', `no answer within ${headersTimeoutMs} ms`));
    }
  }
}
