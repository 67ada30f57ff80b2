const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

/** A host name or an IP address (IPv6 with or without brackets): what a server can be reached at or bound to. */
export function isHostName(host: string): boolean {
  return HOSTNAME.test(host) || IPV6.test(host.replace(/^\[(.*)\]$/, '$1'));
}
