import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  descendantsIn,
  parseBootTime,
  parseProcStat,
  parseProcStatGroup,
  parsePsTable,
  readProcessTable,
  readProcesses,
  sameProcess,
  treeMembers,
  type ProcessEntry,
  type RunCommand,
} from './process-table';
import { parseCimProcesses } from './process-table-win32';

const fixture = (...parts: string[]) => readFileSync(path.join(import.meta.dirname, 'fixtures', ...parts), 'utf8');

/** Stands in for the OS: answers with recorded output and keeps what it was asked to run. */
function recorded(
  stdout: string,
  exitCode = 0,
): RunCommand & { calls: Array<{ file: string; args: readonly string[]; env?: Record<string, string> }> } {
  const calls: Array<{ file: string; args: readonly string[]; env?: Record<string, string> }> = [];
  const run = Object.assign(
    async (file: string, args: readonly string[], env?: Record<string, string>) => {
      calls.push({ file, args, ...(env ? { env } : {}) });
      return { exitCode, stdout };
    },
    { calls },
  );
  return run;
}

describe('readProcesses on Windows (recorded CIM output)', () => {
  it('reads the table from one PowerShell run, keyed by PID', async () => {
    const run = recorded(fixture('win32-processes', 'ps51-table.json'));
    const table = await readProcesses(undefined, { platform: 'win32', run });
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]!.file).toMatch(/powershell\.exe$/i);
    expect(table?.size).toBe(10);
    expect(table?.get(7344)?.startedAt).toBe(Date.parse('2026-11-29T09:20:00.123Z'));
  });

  it('keeps only the PIDs asked for, also when PowerShell answers with one object', async () => {
    const table = await readProcesses([7344, 9999], { platform: 'win32', run: recorded(fixture('win32-processes', 'ps7-one.json')) });
    expect([...table!.keys()]).toEqual([7344]);
  });

  it('says it could not look (undefined) when PowerShell fails or prints something else', async () => {
    expect(await readProcesses([7344], { platform: 'win32', run: recorded('', 1) })).toBeUndefined();
    expect(await readProcesses([7344], { platform: 'win32', run: recorded('The term Get-CimInstance is not recognized') })).toBeUndefined();
  });

  it('asks nothing for no PIDs', async () => {
    const run = recorded('');
    expect((await readProcesses([], { platform: 'win32', run }))?.size).toBe(0);
    expect(run.calls).toHaveLength(0);
  });
});

describe('readProcesses on macOS (recorded ps output)', () => {
  it('runs one ps for all PIDs, in the C locale so lstart is in English', async () => {
    const run = recorded(fixture('ps-lstart', 'darwin.txt'));
    const table = await readProcesses([734, 901], { platform: 'darwin', run });
    expect(run.calls[0]!.file).toBe('ps');
    expect(run.calls[0]!.args).toEqual(['-o', 'pid=', '-o', 'ppid=', '-o', 'lstart=', '-o', 'command=', '-p', '734,901']);
    expect(run.calls[0]!.env?.LC_ALL).toBe('C');
    expect([...table!.keys()]).toEqual([734, 901]);
  });

  it('reads the whole table with the process group, in one ps', async () => {
    const run = recorded(fixture('ps-lstart', 'darwin-table.txt'));
    const table = await readProcessTable({ platform: 'darwin', run });
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]!.args).toEqual(['-o', 'pid=', '-o', 'ppid=', '-o', 'pgid=', '-o', 'lstart=', '-o', 'command=', '-A']);
    expect(table?.get(901)).toEqual({
      pid: 901,
      ppid: 734,
      pgid: 734,
      command: '/usr/bin/python3 -m worker',
      startedAt: new Date(2026, 11, 1, 9, 5, 3).getTime(),
    });
    expect(table?.get(955)).toEqual({ pid: 955, ppid: 734, pgid: 734, startedAt: new Date(2026, 11, 1, 9, 5, 4).getTime() });
    // The llama-server's tree: its children and the orphaned member of its group, not the app above it.
    expect([...treeMembers([734], table!.values())].sort()).toEqual([734, 901, 955, 960]);
  });

  it('reads "ps exits 1 with nothing printed" as none of them running, other failures as unknown', async () => {
    expect((await readProcesses([734], { platform: 'darwin', run: recorded('', 1) }))?.size).toBe(0);
    expect(await readProcesses([734], { platform: 'darwin', run: recorded('', 2) })).toBeUndefined();
  });
});

describe('parsePsTable', () => {
  it('reads pid, parent, local start time to the second and the command line with its spaces', () => {
    const rows = parsePsTable(fixture('ps-lstart', 'darwin.txt'));
    expect(rows.map((r) => r.pid)).toEqual([1, 512, 734, 901, 955]);
    expect(rows[1]).toEqual({
      pid: 512,
      ppid: 1,
      command: '/Applications/Local LLM Manager.app/Contents/MacOS/Local LLM Manager',
      startedAt: new Date(2026, 10, 29, 10, 19, 58).getTime(),
    });
    expect(rows[3]!.startedAt).toBe(new Date(2026, 11, 1, 9, 5, 3).getTime()); // a one-digit day is padded with a space
    expect(rows[4]!.command).toBeUndefined();
  });
});

describe('Linux /proc', () => {
  it('reads parent and start ticks after the last ")" of a command name holding spaces and parentheses', () => {
    const stat =
      '4242 (tmux: server) (x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 10 5 0 0 20 0 1 0 987654 12345678 500 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0';
    expect(parseProcStat(stat)).toEqual({ ppid: 1, startTicks: 987654 });
    expect(() => parseProcStat('garbage')).toThrow();
  });

  it('reads the process group (field 5) the same way', () => {
    const stat =
      '4242 (tmux: server) (x) S 1 4200 4242 0 -1 4194560 1234 0 0 0 10 5 0 0 20 0 1 0 987654 12345678 500 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0';
    expect(parseProcStatGroup(stat)).toBe(4200);
    expect(() => parseProcStatGroup('garbage')).toThrow();
  });

  it('reads the boot time from /proc/stat', () => {
    expect(parseBootTime('cpu  1 2 3\nintr 5\nctxt 9\nbtime 1795935700\nprocesses 77\n')).toBe(1795935700_000);
    expect(parseBootTime('cpu 1 2 3\n')).toBeUndefined();
  });

  const children: Array<{ kill: (signal: NodeJS.Signals) => void }> = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it.runIf(process.platform === 'linux')('reads a real process: its command line, parent and start time', async () => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'an arg'], { stdio: 'ignore' });
    children.push(child);
    const table = await readProcesses([child.pid!, process.pid]);
    const entry = table?.get(child.pid!);
    expect(entry?.command).toBe(`${process.execPath} -e setTimeout(() => {}, 30000) an arg`);
    expect(entry?.ppid).toBe(process.pid);
    expect(Math.abs(entry!.startedAt! - spawnedAt)).toBeLessThan(1500);
    // This process started about when Node says it did.
    expect(Math.abs(table!.get(process.pid)!.startedAt! - (Date.now() - process.uptime() * 1000))).toBeLessThan(1500);
  });

  it.runIf(process.platform === 'linux')('agrees with the ps path macOS takes (run here with procps) on command and start', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(child);
    const fromProc = (await readProcesses([child.pid!]))?.get(child.pid!);
    const fromPs = (await readProcesses([child.pid!], { platform: 'darwin' }))?.get(child.pid!);
    expect(fromPs?.command).toBe(fromProc?.command);
    expect(fromPs?.ppid).toBe(process.pid);
    expect(Math.abs(fromPs!.startedAt! - fromProc!.startedAt!)).toBeLessThanOrEqual(1_000);
  });

  it.runIf(process.platform === 'linux')(
    'reads the process group: a child started as a group leader, and its own child in that group',
    async () => {
      const leader = spawn(
        process.execPath,
        [
          '-e',
          "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' }); setTimeout(() => {}, 30000)",
        ],
        {
          stdio: 'ignore',
          detached: true,
        },
      );
      children.push({ kill: (signal) => process.kill(-leader.pid!, signal) });
      let table: Map<number, ProcessEntry> | undefined;
      for (let i = 0; i < 100; i++) {
        table = await readProcessTable({ maxAgeMs: 0 });
        if ([...table!.values()].some((e) => e.ppid === leader.pid)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const grandchild = [...table!.values()].find((e) => e.ppid === leader.pid)!;
      expect(table!.get(leader.pid!)?.pgid).toBe(leader.pid);
      expect(grandchild.pgid).toBe(leader.pid);
      expect(table!.get(process.pid)?.pgid).not.toBe(leader.pid);
      expect([...treeMembers([leader.pid!], table!.values())].sort()).toEqual([leader.pid!, grandchild.pid].sort());
      // The ps path macOS takes (procps here) reads the same groups.
      const fromPs = await readProcesses(undefined, { platform: 'darwin' });
      expect(fromPs?.get(grandchild.pid)?.pgid).toBe(leader.pid);
      expect(fromPs?.get(process.pid)?.pgid).toBe(table!.get(process.pid)?.pgid);
    },
  );

  it.runIf(process.platform === 'linux')(
    'shares one read of the whole table between callers in the same moment, and a kill can ask for a fresh one',
    async () => {
      const first = readProcessTable();
      expect(readProcessTable()).toBe(first);
      const fresh = await new Promise<Promise<unknown>>((resolve) => setTimeout(() => resolve(readProcessTable({ maxAgeMs: 0 })), 5));
      expect(fresh).not.toBe(first);
      expect((await first)?.get(process.pid)?.pid).toBe(process.pid);
    },
  );

  it.runIf(process.platform === 'linux')('leaves out PIDs that do not run', async () => {
    const table = await readProcesses([process.pid, 2 ** 22 + 17]);
    expect([...table!.keys()]).toEqual([process.pid]);
  });
});

describe('descendantsIn', () => {
  const table = new Map(parseCimProcesses(fixture('win32-processes', 'ps51-table.json')).map((row) => [row.pid, row]));

  it('finds children and grandchildren, and not an older process whose parent link names a PID reused since', () => {
    expect(
      descendantsIn(table, 7344)
        .map((e) => e.pid)
        .sort(),
    ).toEqual([7400, 8120, 8164]);
    expect(
      descendantsIn(table, 5120)
        .map((e) => e.pid)
        .sort(),
    ).toEqual([7344, 7400, 8120, 8164]);
  });

  it('with the root gone, takes its children only against the start time it had', () => {
    const withoutRoot = new Map(table);
    withoutRoot.delete(7344);
    expect(descendantsIn(withoutRoot, 7344)).toEqual([]);
    expect(
      descendantsIn(withoutRoot, 7344, Date.parse('2026-11-29T09:20:00.123Z'))
        .map((e) => e.pid)
        .sort(),
    ).toEqual([7400, 8120, 8164]);
  });

  it('survives a parent loop', () => {
    const loop = new Map([
      [10, { pid: 10, ppid: 11, startedAt: 1 }],
      [11, { pid: 11, ppid: 10, startedAt: 1 }],
    ]);
    expect(descendantsIn(loop, 10).map((e) => e.pid)).toEqual([11]);
  });
});

describe('treeMembers', () => {
  // pid ppid pgid, as the sampler read them before the table had start times.
  const table = [
    [1, 0, 1],
    [100, 1, 100],
    [101, 100, 100],
    [102, 101, 100],
    [150, 1, 100],
    [200, 1, 200],
    [201, 200, 200],
  ].map(([pid, ppid, pgid]) => ({ pid: pid!, ppid: ppid!, pgid: pgid! }));

  it('finds descendants and orphaned members of the root’s group, and nothing else', () => {
    expect([...treeMembers([100], table)].sort()).toEqual([100, 101, 102, 150]);
    expect([...treeMembers([200], table)].sort()).toEqual([200, 201]);
    expect([...treeMembers([999], table)]).toEqual([999]);
  });

  it('does not take a process older than its supposed parent (a Windows parent link to a reused PID)', () => {
    const windows = new Map(parseCimProcesses(fixture('win32-processes', 'ps51-table.json')).map((row) => [row.pid, row]));
    expect([...treeMembers([7344], windows.values())].sort()).toEqual([7344, 7400, 8120, 8164]);
  });
});

describe('sameProcess', () => {
  const recordedEntry = { command: 'llama-server --port 8080', startedAt: 1_000_000 };

  it("is the same process with the same command and a start within the sources' resolution", () => {
    expect(sameProcess(recordedEntry, { pid: 1, command: 'llama-server --port 8080', startedAt: 1_000_400 })).toBe(true);
  });

  it('is another process when the PID was reused, even by the same command', () => {
    expect(sameProcess(recordedEntry, { pid: 1, command: 'llama-server --port 8080', startedAt: 1_060_000 })).toBe(false);
    expect(sameProcess(recordedEntry, { pid: 1, command: 'sshd', startedAt: 1_000_000 })).toBe(false);
    expect(sameProcess(recordedEntry, { pid: 1, command: 'llama-server --port 8080' })).toBe(false);
    expect(sameProcess(recordedEntry, undefined)).toBe(false);
  });

  it('goes by boot and ticks where both sides have them: the epoch time moves when the wall clock is set', () => {
    const now = { pid: 1, command: 'llama-server --port 8080', startedAt: 1_000_000 + 3_600_000, bootTicks: 'boot-a:4200' };
    expect(sameProcess({ ...recordedEntry, bootTicks: 'boot-a:4200' }, now)).toBe(true);
    expect(sameProcess({ ...recordedEntry, startedAt: now.startedAt, bootTicks: 'boot-a:4201' }, now)).toBe(false);
    expect(sameProcess({ ...recordedEntry, startedAt: now.startedAt, bootTicks: 'boot-b:4200' }, now)).toBe(false);
    // A record without them (an older one) falls back on the time.
    expect(sameProcess({ ...recordedEntry, startedAt: now.startedAt }, now)).toBe(true);
    expect(sameProcess(recordedEntry, now)).toBe(false);
  });

  it('matches an older record without a start time on the command alone', () => {
    expect(sameProcess({ command: 'llama-server --port 8080' }, { pid: 1, command: 'llama-server --port 8080', startedAt: 5 })).toBe(true);
  });
});
