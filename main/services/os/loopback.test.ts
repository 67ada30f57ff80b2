import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackName, isLoopbackSocketAddress } from './loopback';

describe('loopback, in each form a host arrives in', () => {
  it('a name to bind to: localhost, ::1 and 127.0.0.0/8', () => {
    for (const name of ['localhost', '::1', '127.0.0.1', '127.1.2.3']) expect(isLoopbackName(name)).toBe(true);
    for (const name of ['0.0.0.0', '::', '192.168.1.2', 'localhost.evil', '127.0.0.1.evil', '[::1]', ''])
      expect(isLoopbackName(name)).toBe(false);
  });

  it('a socket address, also IPv4 mapped into IPv6', () => {
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '127.9.9.9']) expect(isLoopbackSocketAddress(address)).toBe(true);
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '::', '', undefined]) expect(isLoopbackSocketAddress(address)).toBe(false);
  });

  it('an address discovery probes: 127.0.0.0/8 and [::1] in URL form, never a name', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', '[::1]']) expect(isLoopbackAddress(host)).toBe(true);
    for (const host of ['localhost', '192.168.1.20', 'gpu-box.lan', '::1']) expect(isLoopbackAddress(host)).toBe(false);
  });
});
