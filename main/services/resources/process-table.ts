import { execa } from 'execa';

export interface ProcessRow {
  pid: number;
  ppid: number;
  /** Process group; a provider is started as a group leader, so its group is its own pid. */
  pgid: number;
}

/** `ps -A -o pid=,ppid=,pgid=` output → rows (pure, for tests on recorded output). */
export function parsePsTable(text: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
    if (Number.isInteger(pid) && Number.isInteger(ppid) && pid! > 0) rows.push({ pid: pid!, ppid: ppid!, pgid: Number.isInteger(pgid) ? pgid! : 0 });
  }
  return rows;
}

/** Every process on the machine with its parent and group, in one `ps` call. */
export async function listProcesses(): Promise<ProcessRow[]> {
  if (process.platform === 'win32') return [];
  const result = await execa('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { reject: false });
  return parsePsTable(result.stdout);
}

/**
 * The roots, everything below them, and every member of the groups they lead (a worker whose
 * parent already exited stays in its group). Roots are kept even when the table misses them.
 */
export function treeMembers(roots: readonly number[], table: readonly ProcessRow[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const row of table) children.get(row.ppid)?.push(row.pid) ?? children.set(row.ppid, [row.pid]);
  const leaders = new Set(roots);
  const found = new Set<number>(roots);
  for (const row of table) if (leaders.has(row.pgid)) found.add(row.pid);
  const queue = [...found];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return found;
}
