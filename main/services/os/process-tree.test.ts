import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readProcesses, startOf } from './process-table';
import { descendantsOf, isRunning, killGroupsNow, stillRuns } from './process-tree';
import { waitGone } from './wait-gone';

const children: ChildProcess[] = [];
const strays: number[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of strays.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
});

/** A detached parent (its own group) that starts one child and prints the child's PID. */
async function parentWithChild(): Promise<{ parent: number; child: number }> {
  const script = `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(c.pid);
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  children.push(parent);
  const { value: line } = await createInterface({ input: parent.stdout! })[Symbol.asyncIterator]().next();
  const child = Number(line);
  strays.push(child);
  return { parent: parent.pid!, child };
}

describe('killGroupsNow on Windows (the taskkill it runs)', () => {
  it('ends every running tree with one synchronous, bounded taskkill /T /F', () => {
    const calls: unknown[][] = [];
    const spawnSync = ((...args: unknown[]) => {
      calls.push(args);
      return { status: 0 };
    }) as unknown as typeof import('node:child_process').spawnSync;
    killGroupsNow([7344, 4, 9999, 8120], { platform: 'win32', spawnSync, isRunning: (pid) => pid !== 9999 });
    expect(calls).toHaveLength(1);
    const [file, args, options] = calls[0] as [string, string[], { timeout: number; windowsHide: boolean }];
    expect(file).toMatch(/taskkill(\.exe)?$/i);
    expect(args).toEqual(['/PID', '7344', '/PID', '8120', '/T', '/F']);
    expect(options.timeout).toBeGreaterThan(0);
    expect(options.windowsHide).toBe(true);
  });

  it('runs nothing when none of them runs', () => {
    let called = false;
    const spawnSync = (() => {
      called = true;
    }) as unknown as typeof import('node:child_process').spawnSync;
    killGroupsNow([7344], { platform: 'win32', spawnSync, isRunning: () => false });
    expect(called).toBe(false);
  });
});

describe.runIf(process.platform !== 'win32')('process tree on POSIX (real processes)', () => {
  it('killGroupsNow ends the group, children included', async () => {
    const { parent, child } = await parentWithChild();
    killGroupsNow([parent]);
    expect(await waitGone([parent], 5_000, isRunning)).toBe(true);
    expect(await waitGone([child], 5_000, isRunning)).toBe(true);
  });

  it('descendantsOf lists the children with their command line and start time', async () => {
    const before = Date.now();
    const { parent, child } = await parentWithChild();
    const found = await descendantsOf(parent);
    expect(found.map((e) => e.pid)).toEqual([child]);
    expect(found[0]!.command).toBe(`${process.execPath} -e setInterval(() => {}, 1000)`);
    expect(found[0]!.startedAt).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('stillRuns tells the recorded process from a later one with the same PID and command', async () => {
    const { child } = await parentWithChild();
    const now = (await readProcesses([child]))!.get(child)!;
    expect(await stillRuns(child, now.command!, startOf(now))).toBe(true);
    // A record from before the start's boot and ticks were kept: the time alone tells.
    expect(await stillRuns(child, now.command!, { startedAt: now.startedAt! - 60_000 })).toBe(false);
    expect(await stillRuns(child, 'something else', startOf(now))).toBe(false);
    expect(await stillRuns(child, now.command!)).toBe(true);
  });

  it.runIf(process.platform === 'linux')(
    'stillRuns knows the process recorded before the wall clock was set, and not a later one',
    async () => {
      const { child } = await parentWithChild();
      const now = (await readProcesses([child]))!.get(child)!;
      const [boot, ticks] = now.bootTicks!.split(':');
      expect(boot).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
      // Recorded an hour before the clock was set back: the epoch time moved, the boot and ticks did not.
      expect(await stillRuns(child, now.command!, { startedAt: now.startedAt! + 3_600_000, bootTicks: now.bootTicks! })).toBe(true);
      // Same time, another start since boot (a PID reused within the second): not ours.
      expect(await stillRuns(child, now.command!, { startedAt: now.startedAt!, bootTicks: `${boot}:${Number(ticks) + 1}` })).toBe(false);
      // Recorded in an earlier boot.
      expect(await stillRuns(child, now.command!, { startedAt: now.startedAt!, bootTicks: `not-this-boot:${ticks}` })).toBe(false);
    },
  );
});
