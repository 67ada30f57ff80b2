import { listeningPorts } from '../os/ports';
import { readProcessTable } from '../os/process-table';

/**
 * Who listens where and who started whom, read once per scan: the listening sockets
 * (os/ports) and the one process table (os/process-table, shared with the sampler). Lets
 * discovery put the llama-server runners Ollama and Jan start on random ports under their app.
 */
export class ProcessSnapshot {
  private readonly children = new Map<number, number[]>();

  private constructor(
    private readonly portPids: Map<number, number>,
    private readonly parents: Map<number, number>,
  ) {
    for (const [pid, ppid] of parents) {
      const list = this.children.get(ppid) ?? [];
      list.push(pid);
      this.children.set(ppid, list);
    }
  }

  static async take(): Promise<ProcessSnapshot> {
    const [ports, shared] = await Promise.all([listeningPorts(), readProcessTable()]);
    // The shared table may be a few hundred ms old: one that does not know a listening process
    // (a runner just started) is read again, or that runner would be reported without its parent.
    const table = shared && [...ports.values()].some((pid) => !shared.has(pid)) ? await readProcessTable({ maxAgeMs: 0 }) : shared;
    const parents = new Map<number, number>();
    for (const { pid, ppid } of table?.values() ?? []) if (ppid !== undefined) parents.set(pid, ppid);
    return new ProcessSnapshot(ports, parents);
  }

  pidOfPort(port: number): number | undefined {
    return this.portPids.get(port);
  }

  /** Parent, grandparent, … up to (not including) PID 1 and 0. */
  ancestors(pid: number): number[] {
    const chain: number[] = [];
    for (let current = this.parents.get(pid); current && current > 1 && !chain.includes(current); current = this.parents.get(current)) {
      chain.push(current);
    }
    return chain;
  }

  descendants(pid: number): Set<number> {
    const found = new Set<number>();
    const queue = [...(this.children.get(pid) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (found.has(next) || next === pid) continue;
      found.add(next);
      queue.push(...(this.children.get(next) ?? []));
    }
    return found;
  }

  /** Listening ports held by any of these processes. */
  portsOf(pids: Set<number>): number[] {
    return [...this.portPids].filter(([, pid]) => pids.has(pid)).map(([port]) => port);
  }
}
