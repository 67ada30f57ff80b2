import { describe, expect, it } from 'vitest';
import { UpstreamResponseParser, type ResponseHead } from './upstream-response-parser';

/**
 * What a parser reported, made independent of how the bytes were cut: consecutive body pieces are
 * joined (a split feed gives more, smaller pieces), but a `last` on any piece but the final one of
 * a run is kept visible, since it would make the pool complete early.
 */
type Event = { head: ResponseHead } | { body: string; last: boolean; earlyLast: boolean } | 'end';

interface Outcome {
  events: Event[];
  /** False once any push returned false. */
  ok: boolean;
  error: string | undefined;
  done: boolean;
  reusable: boolean;
  trailingGarbage: boolean;
  /** What `close()` returned, when the feed ended with the connection closing. */
  closed?: boolean;
}

function parse(pieces: Buffer[], options: { close?: boolean } = {}): Outcome {
  const events: Event[] = [];
  const parser = new UpstreamResponseParser({
    onHead: (head) => events.push({ head }),
    onBody: (piece, last) => {
      const previous = events.at(-1);
      if (previous !== undefined && typeof previous === 'object' && 'body' in previous) {
        previous.earlyLast ||= previous.last;
        previous.body += piece.toString('latin1');
        previous.last = last;
      } else {
        events.push({ body: piece.toString('latin1'), last, earlyLast: false });
      }
    },
    onEnd: () => events.push('end'),
  });
  let ok = true;
  for (const piece of pieces) ok = parser.push(piece) && ok;
  const outcome: Outcome = {
    events,
    ok,
    error: parser.error,
    done: parser.done,
    reusable: parser.reusable,
    trailingGarbage: parser.trailingGarbage,
  };
  if (options.close) {
    outcome.closed = parser.close();
    outcome.done = parser.done;
    outcome.reusable = parser.reusable;
  }
  return outcome;
}

/** The outcome without the head, for answers whose head is too big to print in a diff. */
function summary(outcome: Outcome) {
  const body = outcome.events.map((event) => (typeof event === 'object' && 'body' in event ? event.body : '')).join('');
  return { ok: outcome.ok, error: outcome.error, done: outcome.done, body };
}

const bytes = (text: string) => Buffer.from(text, 'latin1');
/** One byte per push: every boundary a TCP read could fall on, all at once. */
const oneByOne = (data: Buffer) => [...data].map((byte) => Buffer.from([byte]));
const splitAt = (data: Buffer, at: number) => [data.subarray(0, at), data.subarray(at)];

/**
 * Parses `text` whole, one byte at a time, and cut in two at every offset, and expects the same
 * outcome each way; returns it for the caller's own expectations.
 */
function parseEveryWay(text: string, options: { close?: boolean } = {}): Outcome {
  const data = bytes(text);
  const whole = parse([data], options);
  expect(parse(oneByOne(data), options)).toEqual(whole);
  for (let at = 1; at < data.length; at++) expect(parse(splitAt(data, at), options), `cut at ${at}`).toEqual(whole);
  return whole;
}

describe('UpstreamResponseParser: framings, however the bytes are cut', () => {
  it('reads a Content-Length body, marking the piece that ends it as last, and the connection stays reusable', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world');
    expect(outcome.events).toEqual([
      { head: { status: 200, headers: ['Content-Type', 'text/plain', 'Content-Length', '11'], keepAlive: true, keepAliveMs: undefined } },
      { body: 'hello world', last: true, earlyLast: false },
      'end',
    ]);
    expect(outcome).toMatchObject({ ok: true, done: true, reusable: true, trailingGarbage: false });
  });

  it('gives body pieces as views into the received buffer, not copies', () => {
    const data = bytes('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    const pieces: Buffer[] = [];
    new UpstreamResponseParser({ onHead: () => {}, onBody: (piece) => pieces.push(piece), onEnd: () => {} }).push(data);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.buffer).toBe(data.buffer);
    expect(pieces[0]!.byteOffset).toBe(data.byteOffset + data.length - 5);
  });

  it('reads a chunked body, dropping chunk extensions and trailers, and stays reusable', () => {
    const outcome = parseEveryWay(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;name=value\r\nhello\r\n' +
        '1 ; a="q;\\"x" \r\n \r\n' +
        'A\r\n0123456789\r\n' +
        '0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n',
    );
    expect(outcome.events).toEqual([
      { head: { status: 200, headers: ['Transfer-Encoding', 'chunked'], keepAlive: true, keepAliveMs: undefined } },
      // A chunked body's end is only known from the last chunk, after the data: no piece is `last`.
      { body: 'hello 0123456789', last: false, earlyLast: false },
      'end',
    ]);
    expect(outcome).toMatchObject({ ok: true, done: true, reusable: true });
  });

  it('reads a chunked body with no trailers', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    expect(outcome.events.slice(1)).toEqual([{ body: 'abc', last: false, earlyLast: false }, 'end']);
    expect(outcome.reusable).toBe(true);
  });

  it('skips a 100 Continue and a 103 Early Hints and reports only the final answer', () => {
    const outcome = parseEveryWay(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    expect(outcome.events).toEqual([
      { head: { status: 200, headers: ['Content-Length', '2'], keepAlive: true, keepAliveMs: undefined } },
      { body: 'ok', last: true, earlyLast: false },
      'end',
    ]);
    expect(outcome.reusable).toBe(true);
  });

  it('ends a 204 at its head, whatever framing headers it carries', () => {
    const outcome = parseEveryWay('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n');
    expect(outcome.events).toEqual([
      { head: { status: 204, headers: ['Content-Length', '10'], keepAlive: true, keepAliveMs: undefined } },
      'end',
    ]);
    expect(outcome).toMatchObject({ done: true, reusable: true });
  });

  it('ends a 304 and a Content-Length: 0 answer at the head', () => {
    for (const text of ['HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']) {
      const outcome = parseEveryWay(text);
      expect(outcome.events.slice(1)).toEqual(['end']);
      expect(outcome.reusable).toBe(true);
    }
  });

  it('reads a body without framing until the connection closes, and never reuses that connection', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\n', { close: true });
    expect(outcome.events).toEqual([
      { head: { status: 200, headers: ['Content-Type', 'text/event-stream'], keepAlive: true, keepAliveMs: undefined } },
      { body: 'data: 1\n\ndata: 2\n\n', last: false, earlyLast: false },
      'end',
    ]);
    expect(outcome).toMatchObject({ closed: true, done: true, reusable: false });
  });

  it('does not end a read-until-close body before the close', () => {
    const outcome = parse([bytes('HTTP/1.1 200 OK\r\n\r\npartial')]);
    expect(outcome.events.at(-1)).not.toBe('end');
    expect(outcome.done).toBe(false);
  });

  it('reports a Content-Length body cut by the close as incomplete, with no end', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello', { close: true });
    expect(outcome.events.slice(1)).toEqual([{ body: 'hello', last: false, earlyLast: false }]);
    expect(outcome).toMatchObject({ ok: true, closed: false, done: false, reusable: false });
  });

  it('reports a chunked body cut by the close, and a close before any answer, as incomplete', () => {
    expect(parse([bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel')], { close: true })).toMatchObject({
      closed: false,
      done: false,
    });
    expect(parse([bytes('HTTP/1.1 200 OK\r\nContent-Le')], { close: true })).toMatchObject({ closed: false, events: [] });
    expect(parse([], { close: true })).toMatchObject({ closed: false, events: [] });
  });

  it('accepts a status line without a reason phrase and a header value with inner and outer blanks', () => {
    const outcome = parseEveryWay('HTTP/1.1 404\r\nX-A: \t a b \t\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n');
    expect(outcome.events[0]).toEqual({
      head: { status: 404, headers: ['X-A', 'a b', 'X-Empty', '', 'Content-Length', '0'], keepAlive: true, keepAliveMs: undefined },
    });
  });

  it('accepts the same Content-Length sent twice', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc');
    expect(outcome.events.slice(1)).toEqual([{ body: 'abc', last: true, earlyLast: false }, 'end']);
  });
});

describe('UpstreamResponseParser: malformed answers are errors, however the bytes are cut', () => {
  const malformed: Array<[string, string]> = [
    ['a status line that is not HTTP/1.x', 'HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ['a status line with a two-digit status', 'HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n'],
    ['a status line with no space after the status', 'HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n'],
    ['garbage instead of a status line', 'hello there\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello'],
    ['a header name with a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n'],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello'],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a Content-Length list', 'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'],
    ['an empty chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\nhello\r\n0\r\n\r\n'],
    ['a negative chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n'],
    ['chunk data not followed by CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n'],
    ['101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
    // Node's writeHead would throw on these when the header is passed on to the client.
    ['a bare LF inside a header value', 'HTTP/1.1 200 OK\r\nX-A: a\nb\r\nContent-Length: 0\r\n\r\n'],
    ['a bare CR inside a header value', 'HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n'],
    ['a control character in a header value', 'HTTP/1.1 200 OK\r\nX-A: a\u0001b\r\nContent-Length: 0\r\n\r\n'],
  ];

  for (const [name, text] of malformed) {
    it(`refuses ${name}`, () => {
      const data = bytes(text);
      for (const pieces of [[data], oneByOne(data)]) {
        const outcome = parse(pieces);
        expect(outcome.ok).toBe(false);
        expect(outcome.error).toEqual(expect.any(String));
        expect(outcome).toMatchObject({ done: false, reusable: false });
        // An error ends the answer: no end is reported, nothing is parsed after it.
        expect(outcome.events).not.toContain('end');
      }
    });
  }

  it('says nothing more once it has failed', () => {
    const events: string[] = [];
    const parser = new UpstreamResponseParser({
      onHead: () => events.push('head'),
      onBody: () => events.push('body'),
      onEnd: () => events.push('end'),
    });
    expect(parser.push(bytes('HTTP/9 200\r\n\r\n'))).toBe(false);
    expect(parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(false);
    expect(events).toEqual([]);
    expect(parser.close()).toBe(false);
  });
});

describe('UpstreamResponseParser: size limits hold the same however the bytes are cut', () => {
  it('refuses a head over 64 KiB, whole or arriving in pieces, before it ends', () => {
    const head = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\nContent-Length: 0\r\n\r\n`;
    expect(parse([bytes(head)]).error).toMatch(/64 KiB/);
    // Without its end in sight the head is refused as soon as it is too long, not held onto.
    const endless = bytes(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(64 * 1024)}`);
    const pieces = Array.from({ length: Math.ceil(endless.length / 4096) }, (_, i) => endless.subarray(i * 4096, (i + 1) * 4096));
    const outcome = parse(pieces);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/64 KiB/);
  });

  it('takes a head of exactly 64 KiB whether or not its blank line arrives in the same read', () => {
    const prefix = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Fill: ';
    const data = bytes(prefix + 'a'.repeat(64 * 1024 - prefix.length) + '\r\n\r\nok');
    expect(summary(parse([data]))).toEqual({ ok: true, error: undefined, done: true, body: 'ok' });
    // The limit is on the head, not on where a read happens to end inside its blank line.
    for (let cut = 0; cut <= 4; cut++) {
      const at = 64 * 1024 + cut;
      expect(summary(parse(splitAt(data, at))), `cut ${cut} bytes into the blank line`).toEqual(summary(parse([data])));
    }
    // One byte more is refused, however it arrives.
    const over = bytes(prefix + 'a'.repeat(64 * 1024 + 1 - prefix.length) + '\r\n\r\nok');
    for (let cut = 0; cut <= 4; cut++) expect(parse(splitAt(over, 64 * 1024 + 1 + cut)).error).toMatch(/64 KiB/);
    expect(parse([over]).error).toMatch(/64 KiB/);
  });

  it('refuses a chunk size line over 1 KiB whether or not its end arrives in the same read', () => {
    const data = bytes(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;${'x'.repeat(2048)}\r\nhello\r\n0\r\n\r\n`);
    const whole = parse([data]);
    expect(whole.ok).toBe(false);
    expect(whole.error).toMatch(/chunk size line/);
    expect(parse(splitAt(data, data.indexOf('\r\nhello')))).toMatchObject({ ok: false, error: whole.error });
  });

  it('takes a chunk size line of exactly 1 KiB however it arrives, and refuses one byte more', () => {
    const line = (length: number) => `5;${'x'.repeat(length - 2)}`;
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const fits = bytes(`${head}${line(1024)}\r\nhello\r\n0\r\n\r\n`);
    const over = bytes(`${head}${line(1025)}\r\nhello\r\n0\r\n\r\n`);
    for (let cut = 0; cut <= 2; cut++) {
      expect(summary(parse(splitAt(fits, head.length + 1024 + cut))), `cut ${cut} bytes into the CRLF`).toEqual({
        ok: true,
        error: undefined,
        done: true,
        body: 'hello',
      });
      expect(parse(splitAt(over, head.length + 1025 + cut)).error).toMatch(/chunk size line/);
    }
  });

  it('refuses trailers over 16 KiB', () => {
    const text = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'X-T: aaaaaaaa\r\n'.repeat(2000)}\r\n`;
    expect(parse([bytes(text)])).toMatchObject({ ok: false, error: expect.stringMatching(/trailers/) });
  });

  it('takes trailers of exactly 16 KiB whether or not a CR arrives without its LF', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n';
    // Two trailer lines, 16 KiB of them in all (the limit counts the lines, not their CRLFs).
    const first = `X-A: ${'a'.repeat(8 * 1024 - 5)}`;
    const second = `X-B: ${'b'.repeat(8 * 1024 - 5)}`;
    const data = bytes(`${head}${first}\r\n${second}\r\n\r\n`);
    const secondEnd = head.length + first.length + 2 + second.length;
    for (let cut = 0; cut <= 2; cut++) {
      expect(summary(parse(splitAt(data, secondEnd + cut))), `cut ${cut} bytes into the CRLF`).toEqual({
        ok: true,
        error: undefined,
        done: true,
        body: 'ok',
      });
    }
    const over = bytes(`${head}${first}\r\n${second}b\r\n\r\n`);
    for (let cut = 0; cut <= 2; cut++) expect(parse(splitAt(over, secondEnd + 1 + cut)).error).toMatch(/trailers/);
  });
});

describe('UpstreamResponseParser: whether the connection can carry another request', () => {
  const reusable = (text: string) => parseEveryWay(text).reusable;

  it('not after Connection: close', () => {
    expect(reusable('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok')).toBe(false);
    expect(reusable('HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok')).toBe(false);
    const outcome = parse([bytes('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok')]);
    expect((outcome.events[0] as { head: ResponseHead }).head.keepAlive).toBe(false);
  });

  it('not after HTTP/1.0 without keep-alive; yes with it', () => {
    expect(reusable('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok')).toBe(false);
    expect(reusable('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok')).toBe(true);
    expect(reusable('HTTP/1.0 200 OK\r\nConnection: foo, keep-alive\r\nContent-Length: 2\r\n\r\nok')).toBe(true);
  });

  it('not after an answer with both Content-Length and chunked, which is read as chunked', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    expect(outcome.events.slice(1)).toEqual([{ body: 'abc', last: false, earlyLast: false }, 'end']);
    expect(outcome).toMatchObject({ done: true, reusable: false });
    expect((outcome.events[0] as { head: ResponseHead }).head.keepAlive).toBe(false);
  });

  it('not after a Transfer-Encoding other than chunked', () => {
    const outcome = parse([bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz')], { close: true });
    expect(outcome).toMatchObject({ closed: true, reusable: false });
  });

  it('reads a body coded other than chunked until the close, even with a Content-Length (RFC 9112 §6.3)', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcdef', { close: true });
    expect(summary(outcome)).toMatchObject({ done: true, body: 'abcdef' });
    expect(outcome).toMatchObject({ closed: true, reusable: false });
  });

  it('not when bytes follow the end of the answer, in the same read or a later one', () => {
    const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const same = parse([bytes(answer + 'HTTP/1.1 200 OK\r\n')]);
    expect(same).toMatchObject({ done: true, trailingGarbage: true, reusable: false });
    expect(same.events.slice(1)).toEqual([{ body: 'ok', last: true, earlyLast: false }, 'end']);
    expect(parse([bytes(answer), bytes('x')])).toMatchObject({ done: true, trailingGarbage: true, reusable: false });
    expect(parse([bytes('HTTP/1.1 204 No Content\r\n\r\nx')])).toMatchObject({ trailingGarbage: true, reusable: false });
    expect(parse([bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n\r\n')])).toMatchObject({
      trailingGarbage: true,
      reusable: false,
    });
    // An empty read is no stray byte.
    expect(parse([bytes(answer), Buffer.alloc(0)])).toMatchObject({ trailingGarbage: false, reusable: true });
  });

  it('reads Keep-Alive: timeout=5 as 5000 ms', () => {
    const outcome = parseEveryWay('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n');
    expect(outcome.events[0]).toMatchObject({ head: { keepAlive: true, keepAliveMs: 5000 } });
    const other = parse([bytes('HTTP/1.1 200 OK\r\nkeep-alive: max=100, Timeout = 7\r\nContent-Length: 0\r\n\r\n')]);
    expect(other.events[0]).toMatchObject({ head: { keepAliveMs: 7000 } });
  });
});
