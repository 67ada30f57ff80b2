import path from 'node:path';
import { z } from 'zod';

/**
 * Windows' process table and tree kill as commands and parsers, kept pure so they are tested on
 * recorded output on any OS. wmic is gone from Windows 11 24H2, and a Job Object needs native
 * code, so: one CIM query through Windows PowerShell (present on every Windows since 7) to list
 * processes, and taskkill to end them.
 */

/** One row of Win32_Process, as much as we need of it. */
export interface WindowsProcess {
  pid: number;
  ppid?: number;
  /** Null for system processes, and for other users' processes without elevation. */
  command?: string;
  /** CreationDate in ms since the epoch; absent for the System Idle Process. */
  startedAt?: number;
}

export interface CommandLine {
  file: string;
  args: string[];
}

/**
 * A program from System32 by its full path: a PATH without System32 (or with a look-alike earlier
 * on it) must not decide what stops our processes.
 */
export function system32(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir;
  return root ? path.win32.join(root, 'System32', relative) : path.win32.basename(relative);
}

/** Above this many PIDs a WQL filter gets long for little gain: the whole table is read instead. */
const MAX_FILTERED_PIDS = 64;

/**
 * The PowerShell command that prints Win32_Process rows (all, or just `pids`) as compact JSON.
 * Passed as -EncodedCommand (UTF-16LE, base64) so no quoting layer between Node, the Windows
 * command line and PowerShell's own parser can change it. Progress output is silenced (PowerShell
 * writes it to stderr as CLIXML) and stdout is UTF-8, since a console's OEM code page turns a
 * non-ASCII path into question marks.
 */
export function cimProcessQuery(pids?: readonly number[], env: NodeJS.ProcessEnv = process.env): CommandLine {
  for (const pid of pids ?? []) {
    if (!Number.isSafeInteger(pid) || pid < 0) throw new Error(`not a process id: ${pid}`);
  }
  const filter =
    pids && pids.length > 0 && pids.length <= MAX_FILTERED_PIDS ? ` -Filter '${pids.map((pid) => `ProcessId=${pid}`).join(' OR ')}'` : '';
  const script = [
    "$ProgressPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false',
    `Get-CimInstance -ClassName Win32_Process${filter} | Select-Object ProcessId,ParentProcessId,CommandLine,CreationDate | ConvertTo-Json -Compress`,
  ].join('; ');
  return {
    file: system32('WindowsPowerShell\\v1.0\\powershell.exe', env),
    args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')],
  };
}

const RowSchema = z.object({
  ProcessId: z.number().int().nonnegative(),
  ParentProcessId: z.number().int().nonnegative().nullish(),
  CommandLine: z.string().nullish(),
  CreationDate: z.unknown(),
});

/**
 * Parses what `cimProcessQuery` prints. ConvertTo-Json writes one process as an object and several
 * as an array, and nothing at all for none. Throws on output that is not that JSON (PowerShell
 * missing or failing), so a caller can tell "no such process" from "could not look".
 */
export function parseCimProcesses(stdout: string): WindowsProcess[] {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  const rows: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const processes: WindowsProcess[] = [];
  for (const raw of rows) {
    const row = RowSchema.safeParse(raw);
    if (!row.success) continue;
    const startedAt = parseCimDate(row.data.CreationDate);
    processes.push({
      pid: row.data.ProcessId,
      ...(row.data.ParentProcessId != null ? { ppid: row.data.ParentProcessId } : {}),
      ...(row.data.CommandLine != null ? { command: row.data.CommandLine } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
    });
  }
  return processes;
}

const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A CIM datetime as ConvertTo-Json writes it, in ms since the epoch. Windows PowerShell 5.1
 * (JavaScriptSerializer) writes "\/Date(<ms since the epoch, UTC>)\/", which JSON.parse turns into
 * "/Date(...)/"; PowerShell 7 writes ISO 8601 with the local offset and 100 ns digits. A value
 * that kept its ETS members comes as { value: ... }.
 */
export function parseCimDate(value: unknown): number | undefined {
  if (value && typeof value === 'object' && 'value' in value) return parseCimDate((value as { value: unknown }).value);
  if (typeof value !== 'string') return undefined;
  const ms = MS_DATE.exec(value);
  if (ms) return Number(ms[1]);
  const iso = ISO_DATE.exec(value);
  if (!iso) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = iso;
  const fields = [
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  ] as const;
  if (zone === undefined) return new Date(...fields).getTime(); // no zone: the machine's local time
  const offsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return Date.UTC(...fields) - offsetMin * 60_000;
}

/**
 * taskkill for several processes in one run. Without /F it asks politely (WM_CLOSE to the
 * process's windows: a console server has none and stays); /F is TerminateProcess. /T takes in
 * what each one started.
 */
export function taskkillCommand(
  pids: readonly number[],
  options: { force: boolean; tree: boolean },
  env: NodeJS.ProcessEnv = process.env,
): CommandLine {
  if (pids.length === 0) throw new Error('taskkill needs at least one process id');
  for (const pid of pids) {
    // PID 0 and 4 are the kernel's; a bad number must never widen what is killed.
    if (!Number.isSafeInteger(pid) || pid <= 4) throw new Error(`not a process id taskkill may end: ${pid}`);
  }
  return {
    file: system32('taskkill.exe', env),
    args: [...pids.flatMap((pid) => ['/PID', String(pid)]), ...(options.tree ? ['/T'] : []), ...(options.force ? ['/F'] : [])],
  };
}

/**
 * The command line Node (libuv) builds on Windows from an argv, which is what CIM later shows as
 * CommandLine: each argument quoted by the rules CommandLineToArgvW undoes, joined by spaces. An
 * argument without space, tab or quote goes as it is; backslashes are doubled only before a quote
 * or the closing quote.
 */
export function windowsCommandLine(argv: readonly string[]): string {
  return argv.map(quoteArgument).join(' ');
}

function quoteArgument(arg: string): string {
  if (arg === '') return '""';
  if (!/[ \t"]/.test(arg)) return arg;
  if (!/["\\]/.test(arg)) return `"${arg}"`;
  let quoted = '"';
  let backslashes = 0;
  for (const char of arg) {
    if (char === '\\') {
      backslashes++;
      continue;
    }
    // Backslashes before a quote are doubled, and the quote escaped; elsewhere they are literal.
    quoted += char === '"' ? `${'\\'.repeat(backslashes * 2)}\\"` : `${'\\'.repeat(backslashes)}${char}`;
    backslashes = 0;
  }
  return `${quoted}${'\\'.repeat(backslashes * 2)}"`;
}
