import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isRunning } from './process-tree';

/**
 * A process as a lock or a journal names it: a PID alone is reused by the OS, so the start time
 * says whether the PID still belongs to the same process.
 */
export interface ProcessIdentity {
  pid: number;
  /** When the process started, as the OS reports it (opaque; compared for equality only). */
  startTime?: string;
}

/** This process. */
export function selfIdentity(): ProcessIdentity {
  return { pid: process.pid, ...optional(processStartTime(process.pid)) };
}

/** Whether the process named still runs: same PID and, when both are known, same start time. */
export function isAlive(identity: ProcessIdentity): boolean {
  if (!isRunning(identity.pid)) return false;
  if (!identity.startTime) return true;
  const now = processStartTime(identity.pid);
  return now === undefined || now === identity.startTime;
}

/**
 * The start time of a process. Linux: field 22 of /proc/<pid>/stat (clock ticks since boot; the
 * boot is the same for every process we compare, so the raw number is enough). macOS: `ps -o
 * lstart=`. Windows: CIM's CreationDate. Undefined when it cannot be read.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    }
    if (process.platform === 'win32') {
      const out = execFileSync(
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-Command', `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").CreationDate.ToFileTimeUtc()`],
        { encoding: 'utf8', windowsHide: true, timeout: 10_000 },
      );
      return out.trim() || undefined;
    }
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5_000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function optional(startTime: string | undefined): { startTime?: string } {
  return startTime ? { startTime } : {};
}
