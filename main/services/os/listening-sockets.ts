import { readFile } from 'node:fs/promises';

/**
 * The listening TCP sockets on this machine as "port:inode" pairs, sorted, read from the kernel's
 * own tables (/proc/net/tcp and tcp6) without starting a process. A socket's inode names it for its
 * whole life, so two equal answers mean the same sockets listen as before, held by the same
 * processes: `listeningPorts` then keeps the holders it found last time instead of running `ss`
 * again. Undefined off Linux or when the tables cannot be read.
 */
export async function listeningSocketKey(platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  if (platform !== 'linux') return undefined;
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'latin1').catch(() => '')));
  if (tables.every((table) => table === '')) return undefined;
  return listeningSockets(tables.join('\n')).join(' ');
}

/** LISTEN rows (state 0A) of /proc/net/tcp-style text as sorted "port:inode" pairs. */
export function listeningSockets(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== '0A') continue;
    const port = Number.parseInt(fields[1]!.slice(fields[1]!.lastIndexOf(':') + 1), 16);
    if (Number.isInteger(port)) found.push(`${port}:${fields[9]}`);
  }
  return found.sort();
}
