/**
 * The one place that says what "this machine's loopback" is, for each form a host arrives in: a
 * name a server binds to (settings, `--host`), a Host header a client sends, an address a socket
 * reports, and an address discovery probes. Each form has its own syntax; the loopback set behind
 * them (127.0.0.0/8, ::1, and `localhost` where a name is allowed) is the same.
 */

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** A name or address to bind to (`localhost`, `127.0.0.1`, `::1`): a server there is not reachable from other machines. */
export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || LOOPBACK_V4.test(name);
}

/**
 * A Host header naming loopback (`127.0.0.1:8400`, `localhost`, `[::1]:80`). A server bound to
 * loopback answers only these: a web page that rebinds its DNS name to 127.0.0.1 still sends its
 * own name, and is refused.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  if (host.startsWith('[')) return host === '[::1]' || host.startsWith('[::1]:');
  const colon = host.indexOf(':');
  return isLoopbackName(colon < 0 ? host : host.slice(0, colon));
}

/** A socket's local or remote address as Node reports it (`127.0.0.1`, `::ffff:127.0.0.1`, `::1`). */
export function isLoopbackSocketAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || LOOPBACK_V4.test(address.replace(/^::ffff:/, ''));
}

/**
 * An address discovery probes, in URL host form (`127.0.0.1`, `[::1]`): a server found there runs
 * on this machine, so the process that listens can be looked up. A name is not taken: discovery
 * saves `localhost` as 127.0.0.1 (shared/discovery normalizeEndpoint) and probes addresses.
 */
export function isLoopbackAddress(host: string): boolean {
  return host === '[::1]' || LOOPBACK_V4.test(host);
}
