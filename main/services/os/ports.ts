import { createServer } from 'node:net';
import getPort from 'get-port';
import { allPortsWithPid, portToPid } from 'pid-port';
import { listeningSocketKey } from './listening-sockets';
import { commandLineOf, isRunning } from './process-tree';

export interface PortHolder {
  pid: number;
  /** The holder's command line, as far as the OS lets us read it. */
  command?: string;
}

/** Whether we could listen on host:port right now (a real bind, not a guess). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The preferred port when free, else any free one; never one in `exclude` (ports handed out but not yet bound). */
export async function pickPort(preferred: number, options: { host?: string; exclude?: Iterable<number> } = {}): Promise<number> {
  const exclude = new Set(options.exclude ?? []);
  if (!exclude.has(preferred) && (await isPortFree(preferred, options.host))) return preferred;
  return getPort({ host: options.host ?? '127.0.0.1', exclude: [...exclude, preferred] });
}

/** Who listens on a TCP port, for errors that tell the user what to stop. */
export async function whoHolds(port: number): Promise<PortHolder | undefined> {
  let pid: number | undefined;
  try {
    pid = await portToPid(port);
  } catch {
    return undefined;
  }
  if (!pid) return undefined;
  return { pid, command: await commandLineOf(pid) };
}

/** "port 8080 is already in use by PID 123 (python3 -m vllm …)." */
export async function portTakenMessage(port: number): Promise<string> {
  const holder = await whoHolds(port);
  if (!holder) return `port ${port} is already in use.`;
  return `port ${port} is already in use by PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}.`;
}

let lastPorts: { key: string; ports: ReadonlyMap<number, number> } | undefined;

/**
 * Every listening TCP port with the PID that holds it (`ss`, `netstat` or `lsof`); empty when none
 * can be read. On Linux the last answer is kept while the same sockets listen and their holders
 * live: discovery asks every scan, and starting `ss` from the host (a fork of a large process, then
 * a walk of every process's descriptors on the same cores) held the gateway's requests for tens of
 * ms each time.
 */
export async function listeningPorts(): Promise<Map<number, number>> {
  const key = await listeningSocketKey();
  if (key !== undefined && lastPorts?.key === key && [...lastPorts.ports.values()].every(isRunning)) {
    return new Map(lastPorts.ports);
  }
  const ports = await allPortsWithPid({ host: '*' }).catch(() => undefined);
  if (!ports) return new Map();
  lastPorts = key === undefined ? undefined : { key, ports: new Map(ports) };
  return ports;
}
