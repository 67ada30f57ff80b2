import { describe, expect, it } from 'vitest';
import { GatewayPatchSchema } from './gateway';
import { isHostName } from './host-name';

describe('isHostName', () => {
  it.each(['127.0.0.1', '0.0.0.0', 'localhost', 'gpu-box.lan', '::1', '::', '[::1]', 'fe80::1'])('takes %s', (host) => {
    expect(isHostName(host)).toBe(true);
  });

  it.each(['not a host', '-x', 'a_b', 'host/path', 'http://x', ''])('refuses %j', (host) => {
    expect(isHostName(host)).toBe(false);
  });

  it('keeps the gateway from saving a host it could never listen on', () => {
    const refused = GatewayPatchSchema.safeParse({ host: 'not a host' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0');
    expect(GatewayPatchSchema.safeParse({ host: '0.0.0.0' }).success).toBe(true);
  });
});
