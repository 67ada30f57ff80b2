import { describe, expect, it } from 'vitest';
import { corsAllows, CorsOriginsSchema, DEFAULT_CORS_ORIGINS } from './cors-origins';

describe('CORS origins', () => {
  it('by default, pages served from this machine on any port and desktop apps’ own pages; no other site', () => {
    for (const origin of [
      'http://localhost',
      'http://localhost:3000',
      'https://127.0.0.1:8443',
      'http://[::1]:5173',
      'app://obsidian.md',
      'tauri://localhost',
    ])
      expect(corsAllows(DEFAULT_CORS_ORIGINS, origin), origin).toBe(true);
    for (const origin of [
      'http://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io:80',
      'null',
      'http://localhost:3000x',
      'file://',
    ])
      expect(corsAllows(DEFAULT_CORS_ORIGINS, origin), origin).toBe(false);
  });

  it('exact origins, any port, any host of a scheme, everything', () => {
    expect(corsAllows(['https://chat.example.com'], 'https://chat.example.com')).toBe(true);
    expect(corsAllows(['https://chat.example.com'], 'HTTPS://Chat.Example.com')).toBe(true);
    expect(corsAllows(['https://chat.example.com'], 'https://chat.example.com:444')).toBe(false);
    expect(corsAllows(['chrome-extension://*'], 'chrome-extension://abcdef')).toBe(true);
    expect(corsAllows(['chrome-extension://*'], 'chrome-extension://')).toBe(false);
    expect(corsAllows(['*'], 'http://anything.example')).toBe(true);
    expect(corsAllows([], 'http://localhost:3000')).toBe(false);
  });

  it('refuses what a browser never sends as an origin, naming the form', () => {
    for (const bad of ['http://localhost:3000/', 'localhost:3000', 'http://x/path', 'http://*.example.com', 'http://host:port', ''])
      expect(CorsOriginsSchema.safeParse([bad]).success, bad).toBe(false);
    const problem = CorsOriginsSchema.safeParse(['http://localhost:3000/chat']);
    expect(problem.error?.issues[0]?.message).toMatch(/^must be an origin such as http:\/\/localhost:3000/);
    expect(CorsOriginsSchema.parse([' http://localhost:3000 ', '*', 'http://[::1]:*'])).toEqual([
      'http://localhost:3000',
      '*',
      'http://[::1]:*',
    ]);
  });
});
