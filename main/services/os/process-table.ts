import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { cimProcessQuery, parseCimProcesses } from './process-table-win32';

/**
 * The one process table: who a process is, read from the OS in one go for many PIDs: parent,
 * process group, command line and start time. A PID alone is reused by the OS; PID + command +
 * start time names one process, so what we stop after a crash is what we started, not whatever
 * holds its number now. The supervisor's tree kill, the resource sampler and discovery all read it
 * here (`readProcessTable`, shared for a moment between callers in the same tick).
 */
export interface ProcessEntry extends ProcessStart {
  pid: number;
  ppid?: number;
  /** Process group (POSIX: always on Linux, with the whole table on macOS). A provider is started as a group leader, so its group is its own PID. */
  pgid?: number;
  command?: string;
}

/** When a process started, as far as the OS tells: what tells it apart from a later process given the same PID. */
export interface ProcessStart {
  /** ms since the epoch. On Linux it is derived from the boot time, which moves whenever the wall clock is set. */
  startedAt?: number;
  /**
   * Linux: `<boot id>:<clock ticks from boot to the start>`. Neither moves when the wall clock is
   * set (NTP stepping it after a suspend, a VM resumed or forked), which `startedAt` does: compared
   * instead of it whenever both sides have it.
   */
  bootTicks?: string;
}

export type RunCommand = (
  file: string,
  args: readonly string[],
  env?: Record<string, string>,
) => Promise<{ exitCode?: number; stdout: string }>;

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
  return {
    ...(typeof result.exitCode === 'number' ? { exitCode: result.exitCode } : {}),
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
  };
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
    if (platform === 'linux') entries = await readProc(pids);
    else if (platform === 'win32') {
      const query = cimProcessQuery(pids);
      const result = await run(query.file, query.args);
      if (result.exitCode !== 0) return undefined;
      entries = parseCimProcesses(result.stdout);
    } else {
      // LC_ALL=C: lstart is written in the locale's words otherwise.
      // One -o per column: BSD ps may read the text after "=" up to the end as the header.
      // The group is asked for with the whole table, where trees are walked.
      const columns = ['pid=', 'ppid=', ...(pids ? [] : ['pgid=']), 'lstart=', 'command='].flatMap((column) => ['-o', column]);
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

/**
 * How long one read of the whole table serves other callers: the sampler, discovery and a stop in
 * the same tick share one `ps` (or /proc walk, or CIM query) instead of each running their own.
 */
export const TABLE_SHARE_MS = 300;

let shared: { at: number; table: Promise<Map<number, ProcessEntry> | undefined> } | undefined;

/**
 * Every process now, with parent, group, command and start time, keyed by PID (undefined when the
 * table could not be read). A read that began at most `maxAgeMs` ago (in flight or done) is shared;
 * a kill passes 0 so it sees every process started before it asked. With `platform`/`run` given
 * (tests) nothing is shared.
 */
export function readProcessTable(options: TableOptions & { maxAgeMs?: number } = {}): Promise<Map<number, ProcessEntry> | undefined> {
  const { maxAgeMs = TABLE_SHARE_MS, ...table } = options;
  if (table.platform !== undefined || table.run !== undefined) return readProcesses(undefined, table);
  // performance.now(): with the wall clock set back, a read "from the future" would be shared
  // until the clock caught up, a kill's included.
  const now = performance.now();
  if (shared && now - shared.at <= maxAgeMs) return shared.table;
  const read = readProcesses();
  const entry = { at: now, table: read };
  shared = entry;
  // A failed read is not kept for others: the next caller tries again.
  void read.then((result) => {
    if (result === undefined && shared === entry) shared = undefined;
  });
  return read;
}

/** Linux kernels give user space 100 clock ticks a second (USER_HZ) on every architecture Node runs on. */
const USER_HZ = 100;

/** Processes read between two turns of the event loop when the whole table is read. */
const PROC_BATCH = 32;

/**
 * Synchronous reads on purpose: procfs files are made in memory by the kernel and never wait on a
 * disk, and the thread pool (busy with log writes) would make a start wait many ms for a few µs of
 * work. But a whole table is hundreds of processes, two files each: read in one go it held the
 * event loop for 2–40 ms (the gateway's requests waiting behind it), so it yields every batch.
 */
async function readProc(pids?: readonly number[]): Promise<ProcessEntry[]> {
  const bootMs = parseBootTime(readFileSync('/proc/stat', 'utf8'));
  const bootId = readBootId();
  const list =
    pids ??
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  const entries: ProcessEntry[] = [];
  for (let i = 0; i < list.length; i++) {
    const pid = list[i]!;
    if (i > 0 && i % PROC_BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const { ppid, startTicks } = parseProcStat(stat);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      entries.push({
        pid,
        ppid,
        pgid: parseProcStatGroup(stat),
        ...(command ? { command } : {}),
        ...(bootMs !== undefined ? { startedAt: bootMs + (startTicks * 1000) / USER_HZ } : {}),
        ...(bootId ? { bootTicks: `${bootId}:${startTicks}` } : {}),
      });
    } catch {
      // gone meanwhile
    }
  }
  return entries;
}

/** Parent and start time (clock ticks since boot) from /proc/<pid>/stat. */
export function parseProcStat(stat: string): { ppid: number; startTicks: number } {
  const fields = statFields(stat);
  const ppid = Number(fields[1]); // field 4
  const startTicks = Number(fields[19]); // field 22
  if (!Number.isInteger(ppid) || !Number.isInteger(startTicks)) throw new Error('unreadable /proc/<pid>/stat');
  return { ppid, startTicks };
}

/** The process group (field 5) from /proc/<pid>/stat. */
export function parseProcStatGroup(stat: string): number {
  const pgid = Number(statFields(stat)[2]);
  if (!Number.isInteger(pgid)) throw new Error('unreadable /proc/<pid>/stat');
  return pgid;
}

/** The fields of /proc/<pid>/stat from field 3 (state) on. */
function statFields(stat: string): string[] {
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

let bootId: { value?: string } | undefined;

/** This boot's random id, read once (it cannot change under a running process; missing in some sandboxes). */
function readBootId(): string | undefined {
  if (!bootId) {
    try {
      bootId = { value: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined };
    } catch {
      bootId = {};
    }
  }
  return bootId.value;
}

/**
 * The boot time in ms since the epoch from /proc/stat's `btime` line: the wall clock now less the
 * time since boot, so it moves by as much as the clock is set.
 */
export function parseBootTime(procStat: string): number | undefined {
  const match = /^btime (\d+)$/m.exec(procStat);
  return match ? Number(match[1]) * 1000 : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PS_LINE = /^\s*(\d+)\s+(\d+)(?:\s+(\d+))?\s+[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\s*(.*)$/;

/**
 * Lines of `ps -o pid= -o ppid= [-o pgid=] -o lstart= -o command=` in the C locale (macOS, BSDs);
 * lstart is local time to the second. The group column is there when the whole table is read.
 */
export function parsePsTable(stdout: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of stdout.split('\n')) {
    const match = PS_LINE.exec(line.trimEnd());
    if (!match) continue;
    const [, pid, ppid, pgid, month, day, hour, minute, second, year, command] = match;
    const monthIndex = MONTHS.indexOf(month!);
    if (monthIndex < 0) continue;
    const startedAt = new Date(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)).getTime();
    entries.push({
      pid: Number(pid),
      ppid: Number(ppid),
      ...(pgid !== undefined ? { pgid: Number(pgid) } : {}),
      ...(command ? { command } : {}),
      startedAt,
    });
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
  const children = childrenIndex(table.values());
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
 * The roots, everything below them, and every member of the groups they lead (a worker whose
 * parent already exited stays in its group; POSIX), found by parent links in one table. Roots are
 * kept even when the table misses them. A child older than its parent (a dangling Windows parent
 * link to a reused PID) is not taken when both start times are known.
 */
export function treeMembers(roots: readonly number[], table: Iterable<ProcessEntry>): Set<number> {
  const entries = [...table];
  const children = childrenIndex(entries);
  const startOf = new Map(entries.map((e) => [e.pid, e.startedAt]));
  const leaders = new Set(roots);
  const found = new Set<number>(roots);
  for (const entry of entries) if (entry.pgid !== undefined && leaders.has(entry.pgid)) found.add(entry.pid);
  const queue = [...found];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    const parentStart = startOf.get(parent);
    for (const child of children.get(parent) ?? []) {
      if (found.has(child.pid)) continue;
      if (parentStart !== undefined && child.startedAt !== undefined && child.startedAt < parentStart) continue;
      found.add(child.pid);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Parent PID → its children, from parent links (a process naming itself is nobody's child). */
function childrenIndex(entries: Iterable<ProcessEntry>): Map<number, ProcessEntry[]> {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of entries) {
    if (entry.ppid === undefined || entry.ppid === entry.pid) continue;
    const list = children.get(entry.ppid) ?? [];
    list.push(entry);
    children.set(entry.ppid, list);
  }
  return children;
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

/**
 * Whether a start read now is the one recorded earlier: by boot and ticks where both have them (a
 * live process recorded before the clock was set still matches), else by time as `startsMatch`.
 */
export function sameStart(recorded: ProcessStart, now: ProcessStart | undefined): boolean {
  if (!hasStart(recorded)) return true;
  if (recorded.bootTicks !== undefined && now?.bootTicks !== undefined) return recorded.bootTicks === now.bootTicks;
  return now !== undefined && startsMatch(recorded.startedAt, now.startedAt);
}

/** Whether anything of a start was recorded (records older than start times have none). */
export function hasStart(recorded: ProcessStart): boolean {
  return recorded.startedAt !== undefined || recorded.bootTicks !== undefined;
}

/** Only the start of an entry, for a record (no field when the OS did not tell it). */
export function startOf(entry: ProcessStart | undefined): ProcessStart {
  return {
    ...(entry?.startedAt !== undefined ? { startedAt: entry.startedAt } : {}),
    ...(entry?.bootTicks !== undefined ? { bootTicks: entry.bootTicks } : {}),
  };
}

/** Whether a process read now is the one recorded earlier: same command and, when recorded, same start. */
export function sameProcess(recorded: ProcessStart & { command: string }, now: ProcessEntry | undefined): boolean {
  return now !== undefined && now.command === recorded.command && sameStart(recorded, now);
}

function stringEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
