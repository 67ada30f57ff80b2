/**
 * Reads one HTTP/1.1 response from an upstream's bytes as they arrive: the status and headers,
 * then the body's pieces with their framing taken off (Content-Length, chunked, or until the
 * connection closes), and the end. Body pieces are views into the received buffers, never
 * copies. Strict: anything that is not a well-formed response is an error and the connection is
 * not used again, so one upstream's bad answer can never desynchronise the next request on it.
 *
 * The gateway's own client (upstream-pool.ts) uses it instead of undici's because this is on the
 * path of every request: one latin1 decode of the head, no per-header callbacks.
 */

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 1024;
const MAX_TRAILER_BYTES = 16 * 1024;
const FORBIDDEN_IN_HEAD = /[^\t\r\n\x20-\x7e\x80-\xff]|\r(?!\n)|(?<!\r)\n/;
/** Searched for as bytes: `indexOf` with a string argument converts it on every call. */
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const LINE_END = Buffer.from('\r\n', 'latin1');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9a-fA-F]{1,12}$/;

/**
 * Where the CRLF after `at` begins, or -1. A chunk size line is a few bytes: a loop over them
 * costs less than a call into `indexOf`'s native search, once per streamed event.
 */
function lineEndIn(buf: Buffer, at: number): number {
  const last = Math.min(buf.length - 1, at + MAX_CHUNK_LINE_BYTES + 1);
  for (let i = at; i < last; i++) {
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a) return i;
  }
  return last === at + MAX_CHUNK_LINE_BYTES + 1 ? buf.indexOf(LINE_END, at) : -1;
}

/** The value of `buf[from, to)` when it is 1 to 12 hex digits and nothing else; -1 otherwise. */
function hexAt(buf: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 12) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Space or tab: what surrounds a header value (RFC 9110 §5.5). */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** `HTTP/1.1 200 OK` → 200; -1 for anything that is not an HTTP/1.x status line. */
function statusOf(text: string, lineEnd: number): number {
  if (lineEnd < 12 || !text.startsWith('HTTP/1.')) return -1;
  const minor = text.charCodeAt(7);
  if ((minor !== 0x30 && minor !== 0x31) || text.charCodeAt(8) !== 0x20) return -1;
  if (lineEnd > 12 && text.charCodeAt(12) !== 0x20) return -1;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    status = status * 10 + digit;
  }
  return status;
}

export interface ResponseHead {
  status: number;
  /** Name, value, name, value…: as sent, for the client (hop-by-hop ones are filtered later). */
  headers: string[];
  /** The connection may carry another request after this response. */
  keepAlive: boolean;
  /** `Keep-Alive: timeout=N` in ms, when the upstream gave one. */
  keepAliveMs?: number;
}

export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  /** A piece of the body (a view into a received buffer); `last` when it is known to end the body. */
  onBody(piece: Buffer, last: boolean): void;
  onEnd(): void;
}

const enum Mode {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

export class UpstreamResponseParser {
  private mode = Mode.Head;
  private carry: Buffer | undefined;
  private remaining = 0;
  private keepAlive = true;
  private trailerBytes = 0;
  /** Bytes that came after the end of the response: the connection is not reused. */
  trailingGarbage = false;
  /** Set once the response was malformed; nothing is parsed after that. */
  error: string | undefined;

  constructor(private readonly events: ResponseEvents) {}

  get done(): boolean {
    return this.mode === Mode.Done;
  }

  /** The headers have been read (the answer has begun). */
  get started(): boolean {
    return this.mode !== Mode.Head;
  }

  get reusable(): boolean {
    return this.mode === Mode.Done && this.keepAlive && !this.trailingGarbage && this.error === undefined;
  }

  /** Feeds received bytes; returns false once there is an error (see `error`). */
  push(data: Buffer): boolean {
    if (this.error !== undefined) return false;
    if (this.mode === Mode.Done) {
      if (data.length > 0) this.trailingGarbage = true;
      return true;
    }
    let buf = data;
    if (this.carry) {
      buf = Buffer.concat([this.carry, data]);
      this.carry = undefined;
    }
    let at = 0;
    while (at < buf.length && this.error === undefined) {
      switch (this.mode) {
        case Mode.Head:
          at = this.readHead(buf, at);
          if (at < 0) return this.error === undefined;
          break;
        case Mode.Length:
          at = this.readBody(buf, at, true);
          if (this.remaining === 0) this.finish();
          break;
        case Mode.UntilClose:
          this.events.onBody(at === 0 ? buf : buf.subarray(at), false);
          at = buf.length;
          break;
        case Mode.ChunkSize:
          at = this.readChunkSize(buf, at);
          if (at < 0) return this.error === undefined;
          break;
        case Mode.ChunkData:
          at = this.readBody(buf, at, false);
          if (this.remaining === 0) this.mode = Mode.ChunkDataEnd;
          break;
        case Mode.ChunkDataEnd:
          if (buf.length - at < 2) {
            this.carry = buf.subarray(at);
            return true;
          }
          if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a) return this.fail('a chunk did not end with CRLF');
          at += 2;
          this.mode = Mode.ChunkSize;
          break;
        case Mode.Trailers:
          at = this.readTrailers(buf, at);
          if (at < 0) return this.error === undefined;
          break;
        default:
          // Done: whatever follows the end of the answer is not ours to read.
          this.trailingGarbage = true;
          return true;
      }
    }
    return this.error === undefined;
  }

  /**
   * The connection closed. True when that completed the response (a body read until close);
   * false when the response was cut short (or never began).
   */
  close(): boolean {
    if (this.mode === Mode.UntilClose) {
      this.finish();
      return true;
    }
    return this.mode === Mode.Done;
  }

  /**
   * Up to `remaining` bytes of body from `at` (of a Content-Length body, or of one chunk), handed on
   * as a view; returns where reading goes on. `endsBody`: reaching `remaining` ends the whole body.
   */
  private readBody(buf: Buffer, at: number, endsBody: boolean): number {
    const take = Math.min(this.remaining, buf.length - at);
    this.remaining -= take;
    this.events.onBody(take === buf.length ? buf : buf.subarray(at, at + take), endsBody && this.remaining === 0);
    return at + take;
  }

  private finish(): void {
    this.mode = Mode.Done;
    this.events.onEnd();
  }

  private fail(reason: string): boolean {
    this.error = reason;
    return false;
  }

  /** Returns where the body starts, or -1 when the head is not complete yet (or is bad). */
  private readHead(buf: Buffer, at: number): number {
    const end = buf.indexOf(HEAD_END, at);
    if (end < 0) {
      // Up to three bytes of the blank line may be here already: a head within the limit is not
      // refused for where a read happened to end.
      if (buf.length - at > MAX_HEAD_BYTES + HEAD_END.length - 1) this.fail('its headers are larger than 64 KiB');
      else this.carry = buf.subarray(at);
      return -1;
    }
    if (end - at > MAX_HEAD_BYTES) {
      this.fail('its headers are larger than 64 KiB');
      return -1;
    }
    // One decode of the head; lines are found by index, not split into an array.
    const text = buf.toString('latin1', at, end);
    // What Node would refuse to send on (control characters, a CR or LF that ends no line) is
    // refused here, as a bad answer, rather than failing later at the client's writeHead.
    if (FORBIDDEN_IN_HEAD.test(text)) {
      this.fail('its headers hold a control character or a bare line break');
      return -1;
    }
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = text.length;
    const status = statusOf(text, lineEnd);
    if (status < 0) {
      this.fail(`it did not answer in HTTP/1.1 (it began "${text.slice(0, Math.min(lineEnd, 40))}")`);
      return -1;
    }
    const http10 = text.charCodeAt(7) === 0x30;
    const headers: string[] = [];
    let length = -1;
    let chunked = false;
    let encoded = false;
    let keepAlive = !http10;
    let keepAliveMs: number | undefined;
    for (let from = lineEnd + 2; from < text.length; from = lineEnd + 2) {
      lineEnd = text.indexOf('\r\n', from);
      if (lineEnd < 0) lineEnd = text.length;
      const colon = text.indexOf(':', from);
      const name = colon > from && colon < lineEnd ? text.slice(from, colon) : '';
      if (!TOKEN.test(name)) {
        this.fail(`it sent a malformed header line ("${text.slice(from, Math.min(lineEnd, from + 40))}")`);
        return -1;
      }
      let valueAt = colon + 1;
      let to = lineEnd;
      while (valueAt < to && isBlank(text.charCodeAt(valueAt))) valueAt++;
      while (to > valueAt && isBlank(text.charCodeAt(to - 1))) to--;
      const value = text.slice(valueAt, to);
      headers.push(name, value);
      switch (name.length) {
        case 14:
          if (name.toLowerCase() !== 'content-length') break;
          if (!DIGITS.test(value) || (length >= 0 && length !== Number(value))) {
            this.fail(`it sent an invalid Content-Length ("${value.slice(0, 20)}")`);
            return -1;
          }
          length = Number(value);
          break;
        case 17:
          if (name.toLowerCase() !== 'transfer-encoding') break;
          // Only chunked, last, frames a body; anything else is read until the connection closes.
          chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
          encoded = true;
          if (!chunked) keepAlive = false;
          break;
        case 10: {
          const lower = name.toLowerCase();
          if (lower === 'connection') {
            const v = value.toLowerCase();
            if (v === 'keep-alive') keepAlive ||= http10;
            else if (/(?:^|,)\s*close\s*(?:,|$)/.test(v)) keepAlive = false;
            else if (http10 && /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(v)) keepAlive = true;
          } else if (lower === 'keep-alive') {
            const timeout = /(?:^|,)\s*timeout\s*=\s*(\d{1,6})/i.exec(value);
            if (timeout) keepAliveMs = Number(timeout[1]) * 1000;
          }
          break;
        }
      }
    }
    const bodyAt = end + 4;
    // 1xx: an interim answer (100 Continue, 103 Early Hints); the real one follows. 101 would
    // switch protocols, which a POST to an OpenAI API never asks for.
    if (status < 200) {
      if (status === 101) {
        this.fail('it switched protocols (101)');
        return -1;
      }
      return bodyAt;
    }
    // A coding other than chunked, last, frames the body by the connection's close (RFC 9112 §6.3).
    if (encoded && !chunked) length = -1;
    if (chunked && length >= 0) {
      // Both framings at once is how responses are smuggled (RFC 9112 §6.1): never reuse.
      length = -1;
      keepAlive = false;
    }
    this.keepAlive = keepAlive;
    this.events.onHead({ status, headers, keepAlive, keepAliveMs });
    if (status === 204 || status === 304) this.finish();
    else if (chunked) this.mode = Mode.ChunkSize;
    else if (length === 0) this.finish();
    else if (length > 0) {
      this.remaining = length;
      this.mode = Mode.Length;
    } else {
      this.keepAlive = false;
      this.mode = Mode.UntilClose;
    }
    return bodyAt;
  }

  private readChunkSize(buf: Buffer, at: number): number {
    const end = lineEndIn(buf, at);
    // The same limit whether or not the line's end came in the same read (its CR may have).
    if (end < 0 ? buf.length - at > MAX_CHUNK_LINE_BYTES + 1 : end - at > MAX_CHUNK_LINE_BYTES) {
      this.fail('a chunk size line is too long');
      return -1;
    }
    if (end < 0) {
      this.carry = buf.subarray(at);
      return -1;
    }
    // The usual line is bare hex digits (one per streamed event): read them as bytes, no string.
    const fast = hexAt(buf, at, end);
    if (fast >= 0) {
      this.remaining = fast;
      this.mode = fast === 0 ? Mode.Trailers : Mode.ChunkData;
      return end + 2;
    }
    const line = buf.toString('latin1', at, end);
    const semicolon = line.indexOf(';');
    const size = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
    if (!HEX.test(size)) {
      this.fail(`it sent a bad chunk size ("${line.slice(0, 20)}")`);
      return -1;
    }
    this.remaining = parseInt(size, 16);
    this.mode = this.remaining === 0 ? Mode.Trailers : Mode.ChunkData;
    return end + 2;
  }

  /** Trailer lines after the last chunk, up to an empty line; read and dropped. */
  private readTrailers(buf: Buffer, at: number): number {
    for (;;) {
      const end = buf.indexOf(LINE_END, at);
      if (end < 0) {
        // + 1: the line's CR may be here without its LF.
        if (this.trailerBytes + buf.length - at > MAX_TRAILER_BYTES + 1) this.fail('its trailers are too large');
        else this.carry = buf.subarray(at);
        return -1;
      }
      this.trailerBytes += end - at;
      if (this.trailerBytes > MAX_TRAILER_BYTES) {
        this.fail('its trailers are too large');
        return -1;
      }
      const empty = end === at;
      at = end + 2;
      if (empty) {
        this.finish();
        return at;
      }
    }
  }
}
