import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/closed-port';
import { holdTheLoopSoon } from '../../../test/hold-the-loop';
import { startStandIn } from '../../../test/gateway-stand-ins';
import { UpstreamError, UpstreamPool, type UpstreamHandler, type UpstreamPoolOptions, type UpstreamRequest } from './upstream-pool';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function newPool(options: Partial<UpstreamPoolOptions> = {}): UpstreamPool {
  const pool = new UpstreamPool({ connectTimeoutMs: 1000, headersTimeoutMs: 1000, keepAliveMs: 5000, ...options });
  cleanups.push(() => pool.destroy());
  return pool;
}

interface RawUpstream {
  origin: string;
  /** Every connection accepted, in order; `closed` says which the other side (or we) closed. */
  sockets: net.Socket[];
  closed: Set<net.Socket>;
  /** Every complete request received, as sent. */
  requests: string[];
}

/**
 * A TCP server that writes exactly the bytes a test chooses: each complete request (head and a
 * Content-Length body) goes to `answer` with its socket and its index on that connection.
 */
async function rawUpstream(answer: (socket: net.Socket, request: string, indexOnConnection: number) => void): Promise<RawUpstream> {
  const upstream: RawUpstream = { origin: '', sockets: [], closed: new Set(), requests: [] };
  const server = net.createServer((socket) => {
    upstream.sockets.push(socket);
    socket.on('close', () => upstream.closed.add(socket));
    socket.on('error', () => {});
    let received = '';
    let index = 0;
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      for (;;) {
        const headEnd = received.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/^content-length:\s*(\d+)/im.exec(received.slice(0, headEnd))?.[1] ?? 0);
        const end = headEnd + 4 + length;
        if (received.length < end) return;
        const request = received.slice(0, end);
        received = received.slice(end);
        upstream.requests.push(request);
        if (!socket.writableEnded) answer(socket, request, index++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of upstream.sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  upstream.origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return upstream;
}

/** A node:http upstream that answers every request with what it received. */
async function echoUpstream(): Promise<{ origin: string; connections: () => number }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    req.on('end', () => {
      const answer = JSON.stringify({
        method: req.method,
        url: req.url,
        contentLength: req.headers['content-length'],
        transferEncoding: req.headers['transfer-encoding'],
        length,
        sha256: hash.digest('hex'),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, connections: () => connections };
}

interface Outcome {
  status?: number;
  headers?: string[];
  body: string;
  /** Each piece with its `last` flag, in order. */
  pieces: Array<[string, boolean]>;
  completed: boolean;
  error?: Error;
  /** onComplete and onError calls together: 1 once the request has ended, never more. */
  ends: number;
}

/** One request through the pool, to its end; `hooks` may take over any callback. */
function send(pool: UpstreamPool, request: Partial<UpstreamRequest> & { origin: string }, hooks: Partial<UpstreamHandler> = {}) {
  return new Promise<Outcome>((resolve) => {
    const outcome: Outcome = { body: '', pieces: [], completed: false, ends: 0 };
    const settle = () => {
      outcome.ends++;
      resolve(outcome);
    };
    pool.dispatch(
      { path: '/v1/chat/completions', method: 'POST', headers: ['host', 'upstream'], body: Buffer.from('{}'), ...request },
      {
        onConnect: (abort) => hooks.onConnect?.(abort),
        onHeaders: (status, headers, resume) => {
          outcome.status = status;
          outcome.headers = headers;
          hooks.onHeaders?.(status, headers, resume);
        },
        onData: (piece, last) => {
          outcome.pieces.push([piece.toString('latin1'), last]);
          outcome.body += piece.toString('latin1');
          return hooks.onData?.(piece, last) ?? true;
        },
        onComplete: () => {
          outcome.completed = true;
          settle();
        },
        onError: (error) => {
          outcome.error = error;
          settle();
        },
      },
    );
  });
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

describe('UpstreamPool: kept-alive connections', () => {
  it('sends two requests one after the other on one connection', async () => {
    const upstream = await rawUpstream((socket, _request, index) => socket.write(ok(`answer ${index}`)));
    const pool = newPool();
    const first = await send(pool, { origin: upstream.origin });
    const second = await send(pool, { origin: upstream.origin });
    expect(first).toMatchObject({ status: 200, body: 'answer 0', completed: true });
    expect(second).toMatchObject({ status: 200, body: 'answer 1', completed: true });
    expect(upstream.sockets).toHaveLength(1);
  });

  it('reuses a connection to a node:http upstream too', async () => {
    const upstream = await echoUpstream();
    const pool = newPool();
    for (let i = 0; i < 3; i++) expect(await send(pool, { origin: upstream.origin })).toMatchObject({ status: 200, completed: true });
    expect(upstream.connections()).toBe(1);
  });

  it('does not reuse a connection whose answer said Connection: close, and closes it', async () => {
    // The upstream keeps its side open: closing it is the pool's doing.
    const upstream = await rawUpstream((socket, _request, index) => socket.write(ok(`answer ${index}`, 'Connection: close\r\n')));
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ body: 'answer 0', completed: true });
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ body: 'answer 0', completed: true });
    expect(upstream.sockets).toHaveLength(2);
    await waitFor(() => upstream.closed.has(upstream.sockets[0]!), 'the first connection to close');
  });

  it('does not reuse a connection whose answer was followed by stray bytes', async () => {
    const upstream = await rawUpstream((socket) => socket.write(ok('answer') + 'HTTP/1.1 200 OK\r\n'));
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ body: 'answer', completed: true });
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ body: 'answer', completed: true });
    expect(upstream.sockets).toHaveLength(2);
  });

  it('drops a kept-alive connection the upstream closes while it is idle; the next request gets a new one', async () => {
    const upstream = await rawUpstream((socket) => {
      socket.write(ok('answer'));
      setTimeout(() => socket.end(), 20);
    });
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ completed: true });
    await waitFor(() => upstream.closed.size === 1, 'the upstream to close the idle connection');
    // The pool hears of the close in the same moment the upstream does; give it a few ticks.
    await sleep(20);
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ body: 'answer', completed: true });
    expect(upstream.sockets).toHaveLength(2);
  });

  it('fails a request on a kept-alive connection the upstream closes as it arrives: UPSTREAM_CLOSED, stale', async () => {
    const upstream = await rawUpstream((socket, _request, index) => {
      if (index === 0) socket.write(ok('answer'));
      else socket.destroy();
    });
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ completed: true });
    const second = await send(pool, { origin: upstream.origin });
    expect(second.error).toBeInstanceOf(UpstreamError);
    expect(second.error).toMatchObject({ code: 'UPSTREAM_CLOSED', stale: true });
    expect(second.status).toBeUndefined();
    expect(upstream.sockets).toHaveLength(1);
  });

  it('reports a reset kept-alive connection as stale too, not as the raw ECONNRESET', async () => {
    const upstream = await rawUpstream((socket, _request, index) => {
      if (index === 0) socket.write(ok('answer'));
      else socket.resetAndDestroy();
    });
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ completed: true });
    expect((await send(pool, { origin: upstream.origin })).error).toMatchObject({ code: 'UPSTREAM_CLOSED', stale: true });
  });

  it('fails a request sent while the upstream closes its idle connection: UPSTREAM_CLOSED, stale', async () => {
    // The upstream closes right after its answer; the next request leaves before the close is read.
    const upstream = await rawUpstream((socket) => socket.end(ok('answer')));
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ completed: true });
    const second = await send(pool, { origin: upstream.origin });
    expect(second.error).toMatchObject({ code: 'UPSTREAM_CLOSED', stale: true });
    expect(upstream.sockets).toHaveLength(1);
  });

  it('does not call the first request on a new connection stale when it closes without an answer', async () => {
    const upstream = await rawUpstream((socket) => socket.destroy());
    const pool = newPool();
    const outcome = await send(pool, { origin: upstream.origin });
    expect(outcome.error).toMatchObject({ code: 'UPSTREAM_CLOSED', stale: false });
  });

  it('reports an answer cut short as UPSTREAM_CLOSED after its headers, never as complete or stale', async () => {
    const upstream = await rawUpstream((socket, _request, index) => {
      if (index === 0) socket.write(ok('answer'));
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf');
    });
    const pool = newPool();
    await send(pool, { origin: upstream.origin });
    const cut = await send(pool, { origin: upstream.origin });
    expect(cut).toMatchObject({ status: 200, body: 'half', completed: false, error: { code: 'UPSTREAM_CLOSED', stale: false } });
  });

  it('completes a body read until the upstream closes the connection', async () => {
    const upstream = await rawUpstream((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n'));
    const pool = newPool();
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ status: 200, body: 'data: 1\n\n', completed: true });
  });

  it('closes idle connections on destroy()', async () => {
    const upstream = await rawUpstream((socket) => socket.write(ok('answer')));
    const pool = newPool();
    await send(pool, { origin: upstream.origin });
    await send(pool, { origin: upstream.origin });
    expect(upstream.closed.size).toBe(0);
    await pool.destroy();
    await waitFor(() => upstream.closed.size === 1, 'the idle connection to close');
    expect((await send(pool, { origin: upstream.origin })).error).toMatchObject({ code: 'UPSTREAM_ABORTED' });
    expect(upstream.sockets).toHaveLength(1);
  });
});

describe('UpstreamPool: failures', () => {
  it('passes ECONNREFUSED through for a port nobody listens on', async () => {
    const outcome = await send(newPool(), { origin: `http://127.0.0.1:${await closedPort()}` });
    expect(outcome.error).not.toBeInstanceOf(UpstreamError);
    expect(outcome.error).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('gives UPSTREAM_HEADERS_TIMEOUT when the upstream takes the request and never answers, and closes the connection', async () => {
    const upstream = await rawUpstream(() => {});
    const pool = newPool({ headersTimeoutMs: 100 });
    const startedAt = performance.now();
    const outcome = await send(pool, { origin: upstream.origin });
    const elapsed = performance.now() - startedAt;
    expect(outcome.error).toMatchObject({ code: 'UPSTREAM_HEADERS_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
    expect(upstream.requests).toHaveLength(1);
    await waitFor(() => upstream.closed.size === 1, 'the connection to close');
  });

  it('gives UPSTREAM_BAD_RESPONSE for an answer that is not HTTP, and closes the connection', async () => {
    const upstream = await rawUpstream((socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const pool = newPool();
    const outcome = await send(pool, { origin: upstream.origin });
    expect(outcome.error).toBeInstanceOf(UpstreamError);
    expect(outcome.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
    await waitFor(() => upstream.closed.size === 1, 'the connection to close');
  });

  it('gives UPSTREAM_BAD_RESPONSE for a bad chunk after the headers were passed on', async () => {
    const upstream = await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n'));
    const outcome = await send(newPool(), { origin: upstream.origin });
    expect(outcome).toMatchObject({ status: 200, body: 'abc', completed: false, error: { code: 'UPSTREAM_BAD_RESPONSE' } });
  });

  it('refuses a header with a line break: UPSTREAM_BAD_REQUEST, and nothing is sent', async () => {
    const upstream = await rawUpstream((socket) => socket.write(ok('answer')));
    const pool = newPool();
    for (const headers of [
      ['host', 'upstream', 'x-note', 'a\r\nX-Injected: 1'],
      ['host', 'upstream', 'x-note', 'a\nb'],
      ['host', 'upstream', 'x-note', 'a\0b'],
      ['host', 'upstream', 'x-a\r\nx-b', 'c'],
    ]) {
      expect((await send(pool, { origin: upstream.origin, headers })).error).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    }
    await sleep(50);
    expect(upstream.sockets).toHaveLength(0);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses an origin that is not http://', async () => {
    const outcome = await send(newPool(), { origin: 'https://127.0.0.1:1' });
    expect(outcome.error).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
  });
});

describe('UpstreamPool: flow control and aborts', () => {
  it('stops reading when onData returns false, until resume()', async () => {
    let upstreamSocket: net.Socket | undefined;
    const upstream = await rawUpstream((socket) => {
      upstreamSocket = socket;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc');
    });
    const pool = newPool();
    let resume: (() => void) | undefined;
    let calls = 0;
    const outcome = send(
      pool,
      { origin: upstream.origin },
      {
        onHeaders: (_status, _headers, r) => (resume = r),
        onData: () => ++calls > 1,
      },
    );
    await waitFor(() => calls === 1, 'the first piece');
    // The rest arrives while the reader is paused; it must wait in the socket.
    upstreamSocket!.write('def');
    await sleep(100);
    expect(calls).toBe(1);
    resume!();
    expect(await outcome).toMatchObject({
      body: 'abcdef',
      completed: true,
      pieces: [
        ['abc', false],
        ['def', true],
      ],
    });
    expect(calls).toBe(2);
  });

  it('abort() from onConnect ends the request with onError and closes the upstream connection', async () => {
    const upstream = await rawUpstream(() => {});
    const pool = newPool();
    let abort: ((error?: Error) => void) | undefined;
    const outcome = send(pool, { origin: upstream.origin }, { onConnect: (a) => (abort = a) });
    await waitFor(() => upstream.requests.length === 1, 'the request to arrive');
    abort!();
    // A second abort is nothing: onError comes once.
    abort!();
    expect((await outcome).error).toMatchObject({ code: 'UPSTREAM_ABORTED' });
    await waitFor(() => upstream.closed.size === 1, 'the upstream connection to close');
    expect((await outcome).ends).toBe(1);
  });

  it('abort(error) ends the request with that error, mid-answer', async () => {
    const upstream = await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart'));
    const pool = newPool();
    let abort: ((error?: Error) => void) | undefined;
    const reason = new Error('the client went away');
    const outcome = await send(
      pool,
      { origin: upstream.origin },
      {
        onConnect: (a) => (abort = a),
        onData: () => {
          abort!(reason);
          return true;
        },
      },
    );
    expect(outcome.error).toBe(reason);
    expect(outcome.completed).toBe(false);
    await waitFor(() => upstream.closed.size === 1, 'the upstream connection to close');
  });

  it('abort() called within onConnect sends nothing', async () => {
    const upstream = await rawUpstream(() => {});
    const outcome = await send(newPool(), { origin: upstream.origin }, { onConnect: (abort) => abort() });
    expect(outcome.error).toMatchObject({ code: 'UPSTREAM_ABORTED' });
    await sleep(50);
    expect(upstream.sockets).toHaveLength(0);
  });
});

describe('UpstreamPool: request bodies', () => {
  /** A body that arrives in pieces over several turns of the event loop, as a client's would. */
  function streamed(data: Buffer, pieceBytes: number): PassThrough {
    const stream = new PassThrough();
    let at = 0;
    const next = () => {
      if (at >= data.length) return stream.end();
      stream.write(data.subarray(at, at + pieceBytes));
      at += pieceBytes;
      setImmediate(next);
    };
    setImmediate(next);
    return stream;
  }

  it('sends a streamed body with its declared length intact', async () => {
    const upstream = await echoUpstream();
    const data = randomBytes(300 * 1024);
    const outcome = await send(newPool(), { origin: upstream.origin, body: streamed(data, 7000), bodyLength: data.length });
    expect(outcome.completed).toBe(true);
    expect(JSON.parse(outcome.body)).toEqual({
      method: 'POST',
      url: '/v1/chat/completions',
      contentLength: String(data.length),
      length: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });

  it('sends a streamed body without a declared length chunked, intact', async () => {
    const upstream = await echoUpstream();
    const data = randomBytes(300 * 1024);
    const pool = newPool();
    const outcome = await send(pool, { origin: upstream.origin, body: streamed(data, 7000) });
    expect(outcome.completed).toBe(true);
    expect(JSON.parse(outcome.body)).toEqual({
      method: 'POST',
      url: '/v1/chat/completions',
      transferEncoding: 'chunked',
      length: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    // The chunked body ended where it should: the connection carries the next request.
    expect(await send(pool, { origin: upstream.origin })).toMatchObject({ completed: true });
    expect(upstream.connections()).toBe(1);
  });

  it('sends exactly one Content-Length, equal to the body, and no Transfer-Encoding', async () => {
    const upstream = await rawUpstream((socket) => socket.write(ok('answer')));
    const pool = newPool();
    const cases: Array<[Partial<UpstreamRequest>, string]> = [
      [{ body: Buffer.from('hello world') }, 'hello world'],
      [{ body: Buffer.alloc(0) }, ''],
      [{ body: streamed(Buffer.from('streamed body'), 4), bodyLength: 13 }, 'streamed body'],
    ];
    for (const [request, body] of cases) {
      expect(await send(pool, { origin: upstream.origin, ...request })).toMatchObject({ completed: true });
      const sent = upstream.requests.at(-1)!;
      const headEnd = sent.indexOf('\r\n\r\n');
      const head = sent.slice(0, headEnd);
      expect(head.split('\r\n')[0]).toBe('POST /v1/chat/completions HTTP/1.1');
      expect(head.match(/^content-length:.*$/gim)).toEqual([`content-length: ${body.length}`]);
      expect(head).not.toMatch(/^transfer-encoding:/im);
      expect(sent.slice(headEnd + 4)).toBe(body);
    }
    expect(upstream.sockets).toHaveLength(1);
  });

  it('answers a request whose upstream answered while this process was held past its timeouts; a silent one still times out', async () => {
    // The upstream is a process of its own, so it answers while this one is held.
    const standIn = await startStandIn('held', 'held-model');
    const pool = newPool({ connectTimeoutMs: 200, headersTimeoutMs: 200 });
    const answered = send(pool, { origin: standIn.baseUrl, method: 'GET', path: '/v1/models', body: Buffer.alloc(0) });
    holdTheLoopSoon(1000);
    const outcome = await answered;
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ status: 200, completed: true, body: expect.stringContaining('held-model') });

    // Only the held time is not counted: a silent upstream still times out.
    const silent = await rawUpstream(() => {});
    holdTheLoopSoon(1000);
    expect((await send(pool, { origin: silent.origin })).error).toMatchObject({ code: 'UPSTREAM_HEADERS_TIMEOUT' });
  });
});
