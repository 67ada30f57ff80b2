import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readCookie, tokenFromRequest, tokensMatch } from './session-token';

/** The two fields tokenFromRequest reads, as Node's parser hands them over (latin1 strings). */
const request = (url: string | undefined, headers: Record<string, string | undefined>) => ({ url, headers }) as unknown as IncomingMessage;

describe('tokensMatch on hostile input', () => {
  const token = 'abcdefghijklmnopqrstuvwxyz012345';

  it('is false, never a throw, for a same-length string with a byte above 0x7F', () => {
    // Same string length, different UTF-8 byte length: what made timingSafeEqual throw.
    const given = `\u00ff${token.slice(1)}`;
    expect(given.length).toBe(token.length);
    expect(Buffer.byteLength(given)).not.toBe(Buffer.byteLength(token));
    expect(tokensMatch(token, given)).toBe(false);
    expect(tokensMatch(token, '\u00ff'.repeat(token.length))).toBe(false);
    expect(tokensMatch(token, '\u{1F600}'.repeat(16))).toBe(false);
  });

  it('is false for empty, missing, shorter and longer tokens, and true only for the token', () => {
    for (const given of [undefined, '', token.slice(0, -1), `${token}x`, token.toUpperCase()])
      expect(tokensMatch(token, given)).toBe(false);
    expect(tokensMatch(token, token)).toBe(true);
  });
});

describe('tokenFromRequest never throws', () => {
  it('reads no token from paths new URL() cannot parse, and reads it where it is', () => {
    for (const url of ['//', '/\\', '/%', '/%zz', '//evil.example/?token=x', 'http://evil.example/?token=x', '*', undefined]) {
      expect(() => tokenFromRequest(request(url, {}), 7420)).not.toThrow();
    }
    expect(tokenFromRequest(request('//evil.example/?token=abc', {}), 7420)).toEqual({ token: 'abc', fromQuery: true });
    expect(tokenFromRequest(request('/?token=%', {}), 7420)).toEqual({ token: '%', fromQuery: true });
    expect(tokenFromRequest(request('http://evil.example/?token=abc', {}), 7420)).toEqual({ token: undefined, fromQuery: false });
  });

  it('takes a bearer token, then the cookie of its own port', () => {
    expect(tokenFromRequest(request('/', { authorization: 'Bearer abc' }), 1)).toEqual({ token: 'abc', fromQuery: false });
    expect(tokenFromRequest(request('/', { authorization: `Bearer \u00ff\u00fe` }), 1).token).toBe('\u00ff\u00fe');
    expect(tokenFromRequest(request('/', { cookie: 'llm_token_2=two; llm_token_1=one' }), 1)).toEqual({ token: 'one', fromQuery: false });
    expect(tokenFromRequest(request('/', { cookie: 'llm_token_1=%' }), 1)).toEqual({ token: undefined, fromQuery: false });
  });
});

describe('readCookie on hostile input', () => {
  it('a value that is not percent-encoding is no value, never a throw', () => {
    for (const value of ['%', '%zz', '%E0%A4%A', '%\u00ff', '%'.repeat(1000)])
      expect(readCookie(`llm_token_1=${value}`, 'llm_token_1')).toBeUndefined();
  });

  it('decodes good values, and skips names, empty parts and cookies without =', () => {
    expect(readCookie('a=1; llm_token_1=x%2Fy', 'llm_token_1')).toBe('x/y');
    expect(readCookie(';;; =v; llm_token_1; llm_token_1=\u00ffok', 'llm_token_1')).toBe('\u00ffok');
    expect(readCookie('llm_token_10=x', 'llm_token_1')).toBeUndefined();
    expect(readCookie(undefined, 'llm_token_1')).toBeUndefined();
  });
});
