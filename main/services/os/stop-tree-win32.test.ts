import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCimProcesses, type WindowsProcess } from './process-table-win32';
import { stopTreeWindows } from './stop-tree-win32';

const ENV = { SystemRoot: 'C:\\Windows' };
const TABLE = parseCimProcesses(readFileSync(path.join(import.meta.dirname, 'fixtures', 'win32-processes', 'ps51-table.json'), 'utf8'));
const LLAMA_STARTED = Date.parse('2026-11-29T09:20:00.123Z');

/**
 * The OS side of Windows, as far as stopping a tree touches it: a process table that PowerShell
 * prints as 5.1 does, and taskkill. Console programs ignore a polite taskkill (they have no
 * window); the PIDs in `closesPolitely` exit on it. `/F` ends the PIDs named and, with `/T`, the
 * processes whose parent link names them, as taskkill does.
 */
function fakeWindows(
  options: { closesPolitely?: number[]; powershellFails?: boolean; afterPolite?: (table: Map<number, WindowsProcess>) => void } = {},
) {
  const table = new Map(TABLE.map((p) => [p.pid, { ...p }]));
  const taskkills: string[][] = [];
  const run = async (file: string, args: readonly string[]) => {
    if (/powershell\.exe$/i.test(file)) {
      if (options.powershellFails) return { exitCode: 1, stdout: '' };
      const rows = [...table.values()].map((p) => ({
        ProcessId: p.pid,
        ParentProcessId: p.ppid ?? 0,
        CommandLine: p.command ?? null,
        CreationDate: p.startedAt === undefined ? null : `/Date(${p.startedAt})/`,
      }));
      return { exitCode: 0, stdout: JSON.stringify(rows) };
    }
    expect(file).toBe('C:\\Windows\\System32\\taskkill.exe');
    taskkills.push([...args]);
    const named = args.flatMap((arg, i) => (args[i - 1] === '/PID' ? [Number(arg)] : []));
    if (args.includes('/F')) {
      const doomed = new Set(named);
      if (args.includes('/T'))
        for (let grew = true; grew;) {
          grew = false;
          for (const p of table.values()) if (p.ppid !== undefined && doomed.has(p.ppid) && !doomed.has(p.pid)) grew = !!doomed.add(p.pid);
        }
      for (const pid of doomed) table.delete(pid);
    } else {
      for (const pid of named) if (options.closesPolitely?.includes(pid)) table.delete(pid);
      options.afterPolite?.(table);
    }
    return { exitCode: 0, stdout: '' };
  };
  return { table, taskkills, deps: { run, isRunning: (pid: number) => table.has(pid), env: ENV } };
}

describe('stopTreeWindows', () => {
  it('asks the listed tree to close, waits, then forces it, never naming an older process that only claims the root as parent', async () => {
    const machine = fakeWindows();
    const result = await stopTreeWindows(7344, 100, [], { ...machine.deps, rootStartedAt: LLAMA_STARTED });
    expect(result).toEqual({ forced: true });
    // By name, not /T: taskkill's own walk would follow 2200's stale parent link.
    expect(machine.taskkills).toEqual([
      ['/PID', '7344', '/PID', '7400', '/PID', '8120', '/PID', '8164'],
      ['/PID', '7344', '/PID', '7400', '/PID', '8120', '/PID', '8164', '/F'],
    ]);
    expect([7344, 7400, 8120, 8164].some((pid) => machine.table.has(pid))).toBe(false);
    expect(machine.table.has(2200)).toBe(true);
  });

  it('stops there when the tree closes on the polite request', async () => {
    const machine = fakeWindows({ closesPolitely: [7344, 7400, 8120, 8164] });
    expect(await stopTreeWindows(7344, 2_000, [], machine.deps)).toEqual({ forced: false });
    expect(machine.taskkills).toHaveLength(1);
  });

  it('does not force a PID that was freed and reused by another process during the grace period', async () => {
    const machine = fakeWindows({
      afterPolite: (table) => {
        table.set(8120, { pid: 8120, ppid: 1234, command: 'notepad.exe', startedAt: LLAMA_STARTED + 60_000 });
      },
    });
    await stopTreeWindows(7344, 100, [], machine.deps);
    expect(machine.taskkills[1]).toEqual(['/PID', '7344', '/PID', '7400', '/PID', '8164', '/F']);
    expect(machine.table.get(8120)?.command).toBe('notepad.exe');
  });

  it('forces what the tree started during the grace period too', async () => {
    const machine = fakeWindows({
      afterPolite: (table) => {
        table.set(9000, { pid: 9000, ppid: 8164, command: 'python.exe late.py', startedAt: LLAMA_STARTED + 5_000 });
      },
    });
    await stopTreeWindows(7344, 100, [], machine.deps);
    expect(machine.taskkills[1]).toContain('9000');
    expect(machine.table.has(9000)).toBe(false);
  });

  it('finds in the next round a child started just before its parent was forced, orphaned by that kill', async () => {
    let spawned = false;
    const machine = fakeWindows();
    const run = async (file: string, args: readonly string[]) => {
      const result = await machine.deps.run(file, args);
      // The forced kill of 8164 races with it starting a child: the child outlives it.
      if (args.includes('/F') && !spawned) {
        spawned = true;
        machine.table.set(9100, { pid: 9100, ppid: 8164, command: 'python.exe raced.py', startedAt: LLAMA_STARTED + 9_000 });
      }
      return result;
    };
    await stopTreeWindows(7344, 100, [], { ...machine.deps, run });
    expect(machine.taskkills[2]).toEqual(['/PID', '9100', '/F']);
    expect(machine.table.has(9100)).toBe(false);
    expect(machine.table.has(2200)).toBe(true);
  });

  it('after the root has exited, stops its orphans found by its start time, and not the root PID', async () => {
    const machine = fakeWindows();
    machine.table.delete(7344);
    await stopTreeWindows(7344, 100, [], { ...machine.deps, rootExited: true, rootStartedAt: LLAMA_STARTED });
    expect(machine.taskkills[0]).toEqual(['/PID', '7400', '/PID', '8120', '/PID', '8164']);
    expect(machine.table.has(2200)).toBe(true);
  });

  it('leaves a root PID alone once the process has exited and the PID belongs to another program', async () => {
    const machine = fakeWindows();
    machine.table.set(7344, { pid: 7344, ppid: 1234, command: 'notepad.exe', startedAt: LLAMA_STARTED + 60_000 });
    for (const pid of [7400, 8120, 8164]) machine.table.delete(pid);
    expect(await stopTreeWindows(7344, 100, [], { ...machine.deps, rootStartedAt: LLAMA_STARTED })).toEqual({ forced: false });
    expect(await stopTreeWindows(7344, 100, [], { ...machine.deps, rootExited: true })).toEqual({ forced: false });
    expect(machine.taskkills).toEqual([]);
  });

  it('also stops remembered descendants that have left the tree', async () => {
    const machine = fakeWindows();
    await stopTreeWindows(7344, 100, [2200], machine.deps);
    expect(machine.taskkills[0]).toEqual(['/PID', '7344', '/PID', '7400', '/PID', '8120', '/PID', '8164', '/PID', '2200']);
    expect(machine.table.has(2200)).toBe(false);
  });

  it('without PowerShell, falls back to taskkill /T from the root, then /T /F, plus the remembered by name', async () => {
    const machine = fakeWindows({ powershellFails: true });
    expect(await stopTreeWindows(7344, 100, [1234], machine.deps)).toEqual({ forced: true });
    expect(machine.taskkills).toEqual([
      ['/PID', '7344', '/PID', '1234', '/T'],
      ['/PID', '7344', '/PID', '1234', '/T', '/F'],
    ]);
    expect(machine.table.has(8164)).toBe(false);
  });

  it('without PowerShell and with the root exited, touches only the remembered', async () => {
    const machine = fakeWindows({ powershellFails: true });
    expect(await stopTreeWindows(7344, 100, [], { ...machine.deps, rootExited: true })).toEqual({ forced: false });
    expect(machine.taskkills).toEqual([]);
  });

  it('does nothing when nothing of the tree runs', async () => {
    const machine = fakeWindows();
    for (const pid of [7344, 7400, 8120, 8164]) machine.table.delete(pid);
    expect(await stopTreeWindows(7344, 100, [], machine.deps)).toEqual({ forced: false });
    expect(machine.taskkills).toEqual([]);
  });
});
