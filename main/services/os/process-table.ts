import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { cimProcessQuery, parseCimProcesses } from './process-table-win32';

/**
 * Who a process is, read from the OS in one go for many PIDs: parent, command line and start
 * time. A PID alone is reused by the OS; PID + command + start time names one process, so what we
 * stop after a crash is what we started, not whatever holds its number now.
 */
export interface ProcessEntry {
  pid: number;
  ppid?: number;
  command?: string;
  /** ms since the epoch. */
  startedAt?: number;
}

export type RunCommand = (file: string, args: readonly string[], env?: Record<string, string>) => Promise<{ exitCode?: number; stdout: string }>;

export interface TableOptions {
  platform?: NodeJS.Platform;
  /** Runs ps / PowerShell; replaced by recorded output in tests. */
  run?: RunCommand;
}

/** ps, PowerShell: bounded in time and in output (a full table is a few hundred KB). */
export const runCommand: RunCommand = async (file, args, env) => {
  const result = await execa(file, args, {
    reject: false,
    stdin: 'ignore',
    windowsHide: true,
    timeout: 20_000,
    maxBuffer: 16 * 1024 * 1024,
    ...(env ? { env } : {}),
  });
  return { ...(typeof result.exitCode === 'number' ? { exitCode: result.exitCode } : {}), stdout: typeof result.stdout === 'string' ? result.stdout : '' };
};

/**
 * The processes `pids` (every process when omitted) that exist now, by PID. Undefined when the
 * table could not be read at all, which is not the same as "none of them runs": callers that
 * would kill on the answer must then leave things alone.
 */
export async function readProcesses(pids?: readonly number[], options: TableOptions = {}): Promise<Map<number, ProcessEntry> | undefined> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  if (pids && pids.length === 0) return new Map();
  try {
    let entries: ProcessEntry[];
    if (platform === 'linux') entries = readProc(pids);
    else if (platform === 'win32') {
      const query = cimProcessQuery(pids);
      const result = await run(query.file, query.args);
      if (result.exitCode !== 0) return undefined;
      entries = parseCimProcesses(result.stdout);
    } else {
      // LC_ALL=C: lstart is written in the locale's words otherwise.
      // One -o per column: BSD ps may read the text after "=" up to the end as the header.
      const columns = ['pid=', 'ppid=', 'lstart=', 'command='].flatMap((column) => ['-o', column]);
      const result = await run('ps', [...columns, ...(pids ? ['-p', pids.join(',')] : ['-A'])], { ...stringEnv(), LC_ALL: 'C' });
      // ps exits 1 when none of the PIDs runs: that is an empty answer, not a failure.
      if (result.exitCode !== 0 && !(result.exitCode === 1 && pids && !result.stdout.trim())) return undefined;
      entries = parsePsTable(result.stdout);
    }
    const wanted = pids ? new Set(pids) : undefined;
    return new Map(entries.filter((e) => !wanted || wanted.has(e.pid)).map((e) => [e.pid, e]));
  } catch {
    return undefined;
  }
}

/** Linux kernels give user space 100 clock ticks a second (USER_HZ) on every architecture Node runs on. */
const USER_HZ = 100;

/**
 * Synchronous on purpose: procfs files are made in memory by the kernel and never wait on a disk,
 * and the thread pool (busy with log writes) would make a start wait many ms for a few µs of work.
 */
function readProc(pids?: readonly number[]): ProcessEntry[] {
  const bootMs = parseBootTime(readFileSync('/proc/stat', 'utf8'));
  const list = pids ?? readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const entries: ProcessEntry[] = [];
  for (const pid of list) {
    try {
      const { ppid, startTicks } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      entries.push({
        pid,
        ppid,
        ...(command ? { command } : {}),
        ...(bootMs !== undefined ? { startedAt: bootMs + (startTicks * 1000) / USER_HZ } : {}),
      });
    } catch {
      // gone meanwhile
    }
  }
  return entries;
}

/** Parent and start time (clock ticks since boot) from /proc/<pid>/stat. */
export function parseProcStat(stat: string): { ppid: number; startTicks: number } {
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]); // field 4
  const startTicks = Number(fields[19]); // field 22
  if (!Number.isInteger(ppid) || !Number.isInteger(startTicks)) throw new Error('unreadable /proc/<pid>/stat');
  return { ppid, startTicks };
}

/** The boot time in ms since the epoch from /proc/stat's `btime` line. */
export function parseBootTime(procStat: string): number | undefined {
  const match = /^btime (\d+)$/m.exec(procStat);
  return match ? Number(match[1]) * 1000 : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PS_LINE = /^\s*(\d+)\s+(\d+)\s+[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\s*(.*)$/;

/** Lines of `ps -o pid= -o ppid= -o lstart= -o command=` in the C locale (macOS, BSDs); lstart is local time to the second. */
export function parsePsTable(stdout: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of stdout.split('\n')) {
    const match = PS_LINE.exec(line.trimEnd());
    if (!match) continue;
    const [, pid, ppid, month, day, hour, minute, second, year, command] = match;
    const monthIndex = MONTHS.indexOf(month!);
    if (monthIndex < 0) continue;
    const startedAt = new Date(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)).getTime();
    entries.push({ pid: Number(pid), ppid: Number(ppid), ...(command ? { command } : {}), startedAt });
  }
  return entries;
}

/**
 * Everything below `root` in a table, found by parent links. On Windows a child keeps the PID of
 * a parent that has died, and that PID may since belong to another process: a child older than
 * its supposed parent is not its child. Without the root's own start time there is nothing to
 * check its children against, so none are taken.
 */
export function descendantsIn(table: ReadonlyMap<number, ProcessEntry>, root: number, rootStartedAt?: number): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of table.values()) {
    if (entry.ppid === undefined || entry.ppid === entry.pid) continue;
    const list = children.get(entry.ppid) ?? [];
    list.push(entry);
    children.set(entry.ppid, list);
  }
  const found: ProcessEntry[] = [];
  const seen = new Set<number>([root]);
  const queue: Array<{ pid: number; startedAt?: number }> = [{ pid: root, startedAt: table.get(root)?.startedAt ?? rootStartedAt }];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    if (parent.startedAt === undefined) continue;
    for (const child of children.get(parent.pid) ?? []) {
      if (seen.has(child.pid) || child.startedAt === undefined || child.startedAt < parent.startedAt) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Start times from different reads agree to the source's resolution (1 s for `ps -o lstart`, 10 ms
 * for /proc, 1 ms for CIM); a PID reused with the same command line within a second is not a risk.
 */
const START_TOLERANCE_MS = 1_000;

/** Whether a start time read now matches one recorded earlier; nothing recorded (an older record) matches any. */
export function startsMatch(recorded: number | undefined, now: number | undefined): boolean {
  if (recorded === undefined) return true;
  return now !== undefined && Math.abs(now - recorded) <= START_TOLERANCE_MS;
}

/** Whether a process read now is the one recorded earlier: same command and, when recorded, same start. */
export function sameProcess(recorded: { command: string; startedAt?: number }, now: ProcessEntry | undefined): boolean {
  return now !== undefined && now.command === recorded.command && startsMatch(recorded.startedAt, now.startedAt);
}

function stringEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
