import { proxySettings } from './internet-fetch';

/**
 * The proxy a system's settings give for a URL, from the PAC-style answer Chromium (Electron's
 * session.resolveProxy) returns: "DIRECT", "PROXY host:port; DIRECT", "HTTPS host:port", or a
 * SOCKS one. The first HTTP(S) proxy in the list is taken; SOCKS and DIRECT give none (the
 * downloads' proxy support speaks HTTP CONNECT only).
 */
export function proxyFromPacAnswer(answer: string): string | undefined {
  for (const entry of answer.split(';')) {
    const [kind, address] = entry.trim().split(/\s+/);
    if (!address || !/^[\w.-]+:\d{1,5}$|^\[[0-9a-f:.]+\]:\d{1,5}$/i.test(address)) continue;
    if (kind?.toUpperCase() === 'PROXY') return `http://${address}`;
    if (kind?.toUpperCase() === 'HTTPS') return `https://${address}`;
  }
  return undefined;
}

/**
 * A desktop app started from the dock or Start menu has no HTTPS_PROXY in its environment even
 * where the system is set to use a proxy. This puts the system's one there (for the hub, the
 * downloads, and git and pip in installs), with loopback exempt, unless the environment already
 * names one. Returns what it set, for the log.
 */
export function adoptSystemProxy(env: NodeJS.ProcessEnv, pacAnswer: string): string | undefined {
  if (proxySettings(env)) return undefined;
  const proxy = proxyFromPacAnswer(pacAnswer);
  if (!proxy) return undefined;
  env.HTTPS_PROXY = proxy;
  env.HTTP_PROXY = proxy;
  // Providers inherit this environment, and some talk to themselves over HTTP on loopback
  // (FastChat's controller and workers): that must never go to the proxy.
  env.NO_PROXY ??= 'localhost,127.0.0.1,::1';
  return proxy;
}
