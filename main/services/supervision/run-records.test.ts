import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { LogService } from '../logs/logs';
import { ManagedProcess } from './managed-process';
import { readProcesses } from '../os/process-table';
import { isRunning } from '../os/process-tree';
import { RunRecords } from './run-records';

const SLEEPER = 'setInterval(() => {}, 1000)';
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function sleeper(): Promise<{ pid: number; command: string; startedAt: number }> {
  const child = spawn(process.execPath, ['-e', SLEEPER], { stdio: 'ignore', detached: true });
  children.push(child);
  const entry = (await readProcesses([child.pid!]))!.get(child.pid!)!;
  return { pid: child.pid!, command: entry.command!, startedAt: entry.startedAt! };
}

/** A PID that ran a moment ago and runs no more: the host that died. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isRunning(pid);
}

async function recordsWith(record: object): Promise<RunRecords> {
  const dir = path.join(await tempDir(), 'run');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'standin.json'), JSON.stringify(record));
  return new RunRecords(dir);
}

describe.runIf(process.platform !== 'win32')('RunRecords.sweep', () => {
  it('stops a process a dead host left, when PID, command and start time all match', async () => {
    const left = await sleeper();
    const records = await recordsWith({ hostPid: await deadPid(), processes: [{ name: 'server', ...left }] });
    const notes = await records.sweep();
    expect(notes).toEqual([
      { providerId: 'standin', message: expect.stringContaining(`stopped server (pid ${left.pid}) left running by a previous session`) },
    ]);
    expect(await waitGone(left.pid)).toBe(true);
  });

  it('leaves alone a PID reused by the same command line started at another time, and forgets the record', async () => {
    const other = await sleeper();
    const records = await recordsWith({
      hostPid: await deadPid(),
      processes: [{ name: 'server', ...other, startedAt: other.startedAt - 3_600_000 }],
    });
    expect(await records.sweep()).toEqual([]);
    expect(isRunning(other.pid)).toBe(true);
    expect(await records.sweep()).toEqual([]); // the record is gone
  });

  it('matches a record written before start times were kept on the command line alone', async () => {
    const left = await sleeper();
    const records = await recordsWith({ hostPid: await deadPid(), processes: [{ name: 'server', pid: left.pid, command: left.command }] });
    expect(await records.sweep()).toHaveLength(1);
    expect(await waitGone(left.pid)).toBe(true);
  });

  it('does not touch the processes of a host that still runs, but does when the host PID now belongs to another process', async () => {
    const host = await sleeper();
    const provider = await sleeper();
    const alive = await recordsWith({ hostPid: host.pid, hostStartedAt: host.startedAt, processes: [{ name: 'server', ...provider }] });
    expect(await alive.sweep()).toEqual([]);
    expect(isRunning(provider.pid)).toBe(true);
    const reused = await recordsWith({
      hostPid: host.pid,
      hostStartedAt: host.startedAt - 3_600_000,
      processes: [{ name: 'server', ...provider }],
    });
    expect(await reused.sweep()).toHaveLength(1);
    expect(await waitGone(provider.pid)).toBe(true);
  });
});

describe.runIf(process.platform !== 'win32')('RunRecords.leftRunning and a sweep of some providers', () => {
  it('names what a dead host left (reading only), and a sweep limited to one provider stops only its processes', async () => {
    const dir = path.join(await tempDir(), 'run');
    await mkdir(dir, { recursive: true });
    const [engine, standin, alive, host] = [await sleeper(), await sleeper(), await sleeper(), await sleeper()];
    const dead = await deadPid();
    await writeFile(
      path.join(dir, 'engine.json'),
      JSON.stringify({ hostPid: dead, port: 8090, processes: [{ name: 'server', ...engine }] }),
    );
    await writeFile(path.join(dir, 'standin.json'), JSON.stringify({ hostPid: dead, processes: [{ name: 'server', ...standin }] }));
    // A live host's providers are its own, and a record of processes all gone names nothing.
    await writeFile(
      path.join(dir, 'busy.json'),
      JSON.stringify({ hostPid: host.pid, hostStartedAt: host.startedAt, processes: [{ name: 'server', ...alive }] }),
    );
    await writeFile(
      path.join(dir, 'gone.json'),
      JSON.stringify({ hostPid: dead, processes: [{ name: 'server', pid: dead, command: 'x' }] }),
    );
    await writeFile(path.join(dir, 'bad.json'), '{');
    const records = new RunRecords(dir);

    const left = await records.leftRunning();
    expect(left.sort((a, b) => a.providerId.localeCompare(b.providerId))).toEqual([
      { providerId: 'engine', processes: [{ name: 'server', pid: engine.pid }], port: 8090 },
      { providerId: 'standin', processes: [{ name: 'server', pid: standin.pid }] },
    ]);
    expect((await readdir(dir)).sort()).toEqual(['bad.json', 'busy.json', 'engine.json', 'gone.json', 'standin.json']);
    expect([engine.pid, standin.pid].every(isRunning)).toBe(true);

    expect(await records.sweep(new Set(['standin']))).toEqual([
      { providerId: 'standin', message: expect.stringContaining(`pid ${standin.pid}`) },
    ]);
    expect(await waitGone(standin.pid)).toBe(true);
    expect(isRunning(engine.pid)).toBe(true);
    expect(await records.leftRunning()).toEqual([{ providerId: 'engine', processes: [{ name: 'server', pid: engine.pid }], port: 8090 }]);
    expect(isRunning(alive.pid)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('RunRecords.sweep after the wall clock was set (Linux: boot and ticks)', () => {
  async function bootTicksOf(pid: number): Promise<string> {
    return (await readProcesses([pid]))!.get(pid)!.bootTicks!;
  }

  it('knows a live host and its providers recorded an hour before the clock was set back', async () => {
    const host = await sleeper();
    const provider = await sleeper();
    const shifted = (p: { startedAt: number }) => p.startedAt + 3_600_000;
    const entry = { name: 'server', ...provider, startedAt: shifted(provider), bootTicks: await bootTicksOf(provider.pid) };
    const alive = await recordsWith({
      hostPid: host.pid,
      hostStartedAt: shifted(host),
      hostBootTicks: await bootTicksOf(host.pid),
      processes: [entry],
    });
    // The host still runs: its providers are not a dead session's leftovers.
    expect(await alive.sweep()).toEqual([]);
    expect(isRunning(provider.pid)).toBe(true);
    // The host gone, the provider it left is still known for its own, the time notwithstanding.
    const orphaned = await recordsWith({ hostPid: await deadPid(), processes: [entry] });
    expect(await orphaned.sweep()).toHaveLength(1);
    expect(await waitGone(provider.pid)).toBe(true);
  });
});

describe.runIf(process.platform !== 'win32')('RunRecords.write', () => {
  it('records the command line as the OS shows it and the start time, for the process and the host', async () => {
    const base = await tempDir();
    const logs = new LogService({ dir: path.join(base, 'logs') });
    const script = path.join(base, 'server.sh');
    // A script: the OS shows its interpreter first, which argv.join(' ') would not.
    await writeFile(script, `#!/bin/sh\n"${process.execPath}" -e '${SLEEPER}'\n`, { mode: 0o755 });
    const spawnedAt = Date.now();
    const child = new ManagedProcess({ providerId: 'standin', name: 'server', argv: [script, '--port', '8080'], env: {}, cwd: base }, logs);
    try {
      const records = new RunRecords(path.join(base, 'run'));
      await records.write('standin', [child]);
      const written = JSON.parse(await readFile(path.join(base, 'run', 'standin.json'), 'utf8'));
      expect(written.hostPid).toBe(process.pid);
      expect(Math.abs(written.hostStartedAt - (Date.now() - process.uptime() * 1000))).toBeLessThan(1500);
      expect(written.processes).toHaveLength(1);
      expect(written.processes[0].pid).toBe(child.pid);
      expect(written.processes[0].command).toBe(`/bin/sh ${script} --port 8080`);
      expect(Math.abs(written.processes[0].startedAt - spawnedAt)).toBeLessThan(1500);
      if (process.platform === 'linux') {
        expect(written.hostBootTicks).toBe((await readProcesses([process.pid]))!.get(process.pid)!.bootTicks);
        expect(written.processes[0].bootTicks).toMatch(/^[0-9a-f-]{36}:\d+$/);
      }
    } finally {
      await child.stop(1000);
      await logs.close();
    }
  });
});
