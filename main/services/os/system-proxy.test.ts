import { describe, expect, it } from 'vitest';
import { adoptSystemProxy, proxyFromPacAnswer } from './system-proxy';

describe('the system proxy a desktop app adopts', () => {
  it('reads the first HTTP(S) proxy of a PAC answer; DIRECT and SOCKS give none', () => {
    expect(proxyFromPacAnswer('PROXY proxy.corp:3128; DIRECT')).toBe('http://proxy.corp:3128');
    expect(proxyFromPacAnswer('SOCKS5 s.corp:1080; HTTPS secure.corp:443')).toBe('https://secure.corp:443');
    expect(proxyFromPacAnswer('PROXY [::1]:8080')).toBe('http://[::1]:8080');
    for (const none of ['DIRECT', '', 'SOCKS5 s.corp:1080', 'PROXY', 'PROXY not a host', 'PROXY host:port'])
      expect(proxyFromPacAnswer(none), none).toBeUndefined();
  });

  it('sets HTTPS_PROXY and HTTP_PROXY (loopback exempt) only when the environment names no proxy', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(adoptSystemProxy(env, 'PROXY proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(env).toEqual({
      HTTPS_PROXY: 'http://proxy.corp:3128',
      HTTP_PROXY: 'http://proxy.corp:3128',
      NO_PROXY: 'localhost,127.0.0.1,::1',
    });
    const own: NodeJS.ProcessEnv = { https_proxy: 'http://mine:8080' };
    expect(adoptSystemProxy(own, 'PROXY proxy.corp:3128')).toBeUndefined();
    expect(own).toEqual({ https_proxy: 'http://mine:8080' });
    const direct: NodeJS.ProcessEnv = {};
    expect(adoptSystemProxy(direct, 'DIRECT')).toBeUndefined();
    expect(direct).toEqual({});
  });
});
