import { describe, expect, it } from 'vitest';
import { normalizeEndpoint } from './discovery';

describe('normalizeEndpoint', () => {
  it.each([
    ['127.0.0.1:11434', '127.0.0.1:11434'],
    ['  gpu-box.lan:8000 ', 'gpu-box.lan:8000'],
    ['http://192.168.1.20:1234/', '192.168.1.20:1234'],
    // localhost may resolve to ::1 while the server listens on IPv4 only.
    ['localhost:8080', '127.0.0.1:8080'],
    ['[::1]:8080', '[::1]:8080'],
    // The base URL a server's docs give, pasted whole.
    ['http://127.0.0.1:1234/v1', '127.0.0.1:1234'],
    ['HTTP://gpu-box:8000/v1/', 'gpu-box:8000'],
  ])('%s → %s', (input, endpoint) => {
    expect(normalizeEndpoint(input)).toEqual({ ok: true, endpoint });
  });

  it.each([
    ['11434', /host:port/],
    ['gpu box:8000', /not a host name/],
    ['10.0.0.2:0', /1 to 65535/],
    ['10.0.0.2:65536', /1 to 65535/],
    ['https://gpu-box:8000', /http:\/\//],
    ['gpu-box:80a', /host:port/],
    ['10.0.0.2:999999', /1 to 65535/],
    ['127.0.0.1:8000/api/chat', /without a path/],
  ])('refuses %s', (input, message) => {
    const result = normalizeEndpoint(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});
