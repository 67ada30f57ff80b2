import { request, type IncomingMessage } from 'node:http';
import { waitDeadline } from './wait-deadline';

/**
 * One plain-HTTP request to a local or LAN server we probe (health checks, discovery's fingerprint
 * requests, a provider's model list), on a connection of its own that closes after the answer.
 *
 * Why not fetch: these run beside the gateway in the same event loop, dozens at once when discovery
 * fingerprints a server. fetch (undici, web streams, a Headers object, an AbortSignal timer) cost
 * about twice node:http's CPU per probe, and a scan's answers, arriving together, held the loop for
 * 10-20 ms: the gateway's requests waited behind them (the 1,000 req/s tail in bench/gateway).
 * A connection of its own: single-threaded servers (koboldcpp, Gradio's queue) serve one connection
 * at a time, and a probe must not keep one open between checks.
 */
/** How much of an answer a health or fingerprint probe reads: enough for any health or model-list JSON. */
export const PROBE_BODY_BYTES = 64 * 1024;

export interface ProbeAnswer {
  status: number;
  /** Names in lower case; a repeated header's values joined with ", " as fetch joins them. */
  headers: Record<string, string>;
  /** The first `maxBodyBytes` bytes, as UTF-8. */
  body: string;
}

export interface ProbeOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** For the whole exchange: connect, answer and body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The rest of a longer body is not read (the connection is closed). */
  maxBodyBytes: number;
  /** Same-origin redirects followed, at most this many (default none: a 3xx is the answer). */
  followRedirects?: number;
}

/** Why a probe got no answer: 'timed out', 'aborted', or the socket's error code (ECONNREFUSED, ECONNRESET…). */
export class ProbeFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ProbeFailed';
  }
}

export async function probeRequest(url: string | URL, options: ProbeOptions): Promise<ProbeAnswer> {
  const deadline = performance.now() + options.timeoutMs;
  let target = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const answer = await once(target, options, deadline - performance.now());
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || !location || redirects >= (options.followRedirects ?? 0)) return answer;
    const next = new URL(location, target);
    // Another host or scheme is not the server we were asked about: its 3xx is the answer.
    if (next.origin !== target.origin) return answer;
    target = next;
  }
}

function once(url: URL, options: ProbeOptions, timeoutMs: number): Promise<ProbeAnswer> {
  if (url.protocol !== 'http:') return Promise.reject(new ProbeFailed(`unsupported protocol ${url.protocol}`));
  if (options.signal?.aborted) return Promise.reject(new ProbeFailed('aborted'));
  return new Promise((resolve, reject) => {
    const method = options.method ?? 'GET';
    const req = request({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 80,
      path: `${url.pathname}${url.search}`,
      method,
      agent: false,
      // A POST without a body says so; node would otherwise announce a chunked body.
      headers: { ...options.headers, ...(method === 'POST' ? { 'content-length': '0' } : {}) },
    });
    let settled = false;
    const finish = (error: ProbeFailed | undefined, answer?: ProbeAnswer) => {
      if (settled) return;
      settled = true;
      cancelDeadline();
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      if (error) reject(error);
      else resolve(answer!);
    };
    const onAbort = () => finish(new ProbeFailed('aborted'));
    const cancelDeadline = waitDeadline(timeoutMs, () => finish(new ProbeFailed('timed out')));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => finish(new ProbeFailed(error.code ?? error.message)));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish(undefined, { status: res.statusCode ?? 0, headers: headersOf(res.rawHeaders), body: bodyOf(chunks, options.maxBodyBytes) });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= options.maxBodyBytes) done();
      });
      res.on('end', done);
      // A body cut short after the head still answered: what arrived is the answer.
      res.on('error', done);
      res.on('close', done);
    });
    req.end();
  });
}

function headersOf(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? raw[i + 1]! : `${headers[name]}, ${raw[i + 1]!}`;
  }
  return headers;
}

function bodyOf(chunks: Buffer[], maxBytes: number): string {
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return body.subarray(0, maxBytes).toString('utf8');
}
