import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderState, ProviderSummary } from '../shared/provider';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { pickPort } from '../main/services/os/ports';
import { freshDirs, runCli, spawnHost, startCliHost, writeSettings, type HostDirs, type RunningHost } from './support/host-process';
import { processesOf, untilNoneLeft } from './support/our-processes';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { connectClient } from './support/ws-client';

// Every way a host can be told to stop, with the built-in engine and a provider that spawns a
// child of its own and ignores SIGTERM running: afterwards no process of ours may be left, as the
// OS process table says (not the app's bookkeeping).

let dirs: HostDirs | undefined;
let host: RunningHost | undefined;

afterEach(async () => {
  // Whatever a failed test left is killed, so one failure does not leak into the next.
  if (dirs) for (const p of await processesOf(dirs.baseDir)) process.kill(p.pid, 'SIGKILL');
  host = undefined;
  dirs = undefined;
});

async function prepareDirs(): Promise<HostDirs> {
  const prepared = await freshDirs();
  await writeSettings(prepared, { stopGraceSec: 1, gateway: { port: 0 }, discovery: { endpoints: [], intervalSec: 0 } });
  await mkdir(path.join(prepared.baseDir, 'models'), { recursive: true });
  writeTinyGguf(path.join(prepared.baseDir, 'models', 'tiny-llama.gguf'));
  await writeStandInRecipe(prepared.baseDir, {
    port: await pickPort(18_400),
    env: { STANDIN_IGNORE_SIGTERM: '1', STANDIN_GRANDCHILD: 'setsid' },
  });
  return prepared;
}

/** Starts the engine and the stubborn stand-in through the host, and waits until both run. */
async function startProviders(running: RunningHost): Promise<void> {
  const { client, close } = await connectClient(running.origin, running.token);
  try {
    const states = await Promise.all(['engine', 'standin'].map((id) => client.invoke('providers.start', { id }) as Promise<ProviderState>));
    for (const state of states) expect(state, `${state.id}: ${state.reason}`).toMatchObject({ status: 'running' });
  } finally {
    close();
  }
}

/** The host, the engine, the stand-in and its setsid child: four processes of ours at least. */
async function expectRunningTree(baseDir: string): Promise<void> {
  const ours = await processesOf(baseDir);
  expect(ours.length, ours.map((p) => p.command).join('\n')).toBeGreaterThanOrEqual(4);
}

/** The ones of `ids` running within `ms` (all of them, unless some never got there), as the host lists them. */
async function untilRunning(running: RunningHost, ids: string[], ms = 30_000): Promise<string[]> {
  const { client, close } = await connectClient(running.origin, running.token);
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const { providers } = (await client.invoke('providers.list', {})) as { providers: ProviderSummary[] };
      const up = ids.filter((id) => providers.find((p) => p.id === id)?.state.status === 'running');
      if (up.length === ids.length || Date.now() > deadline) return up;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    close();
  }
}

/** The folder of a host that ran the engine and the stand-in, killed with -9. */
async function killedWithProviders(): Promise<HostDirs> {
  const prepared = await prepareDirs();
  dirs = prepared; // for afterEach, whatever happens next
  const killed = await startCliHost(prepared);
  await startProviders(killed);
  const exited = exitOf(killed);
  killed.process.kill('SIGKILL');
  await exited;
  return prepared;
}

function exitOf(running: RunningHost): Promise<number | null> {
  const child = running.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('no process of ours outlives the host', () => {
  const signalled: Array<{ name: string; signals: NodeJS.Signals[]; gapMs: number }> = [
    { name: 'SIGINT', signals: ['SIGINT'], gapMs: 0 },
    // The second one comes after the duplicate window: it hurries the stop, it does not abort it.
    { name: 'SIGINT twice', signals: ['SIGINT', 'SIGINT'], gapMs: 1_500 },
    // Within the window: the same Ctrl-C arriving by two routes is one shutdown.
    { name: 'SIGINT twice at once', signals: ['SIGINT', 'SIGINT'], gapMs: 0 },
    { name: 'SIGTERM', signals: ['SIGTERM'], gapMs: 0 },
    { name: 'SIGHUP (the SSH session dropped)', signals: ['SIGHUP'], gapMs: 0 },
  ];

  for (const scenario of signalled) {
    it(`${scenario.name}: the host stops every provider's tree and exits 0`, async () => {
      dirs = await prepareDirs();
      host = await startCliHost(dirs);
      await startProviders(host);
      await expectRunningTree(dirs.baseDir);
      const exited = exitOf(host);
      for (const [i, signal] of scenario.signals.entries()) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, scenario.gapMs));
        host.process.kill(signal);
      }
      expect(await exited, host.output()).toBe(0);
      expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);
      expect(host.output()).toContain('stopping every provider');
    });
  }

  it('`npm start` interrupted by Ctrl-C (the terminal signals the whole group): one shutdown, nothing left', async () => {
    dirs = await prepareDirs();
    // Its own process group, as a terminal's foreground job; the signal goes to the whole group.
    host = await spawnHost('npm', ['start', '--silent'], dirs, {}, { detached: true });
    await startProviders(host);
    await expectRunningTree(dirs.baseDir);
    const exited = exitOf(host);
    process.kill(-host.process.pid!, 'SIGINT');
    await exited;
    expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);
    // One Ctrl-C is one shutdown: it was never taken for a second ask.
    expect(host.output().match(/stopping every provider/g)).toHaveLength(1);
    expect(host.output()).not.toContain('again: stopping every provider at once');
  });

  it('Ctrl-C when the terminal or pipe it prints to is gone (`npm start | tee` killed too): it stops clean, the log does not flood', async () => {
    dirs = await prepareDirs();
    host = await startCliHost(dirs);
    await startProviders(host);
    const exited = exitOf(host);
    // What reads its output goes away first, as `tee` does on the same Ctrl-C: every write is now EPIPE.
    host.process.stdout!.destroy();
    host.process.stderr!.destroy();
    host.process.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);
    const log = await readFile(path.join(dirs.baseDir, 'logs', 'app.log'), 'utf8');
    expect(log).toContain('standard output is gone (EPIPE)');
    expect(log).not.toContain('uncaughtException');
  });

  it('kill -9 of the host, then a restart: the new host stops what the dead one left, brings the same providers back, and stops clean', async () => {
    dirs = await killedWithProviders();
    // Killed outright, the host could stop nothing: its providers run on, parentless.
    const orphans = await processesOf(dirs.baseDir);
    expect(orphans.length).toBeGreaterThanOrEqual(3);

    host = await startCliHost(dirs);
    const orphanPids = new Set(orphans.map((p) => p.pid));
    const left = (await processesOf(dirs.baseDir)).filter((p) => orphanPids.has(p.pid));
    expect(left, 'the restarted host swept the orphans before serving').toEqual([]);
    // The dead host never quit, yet auto-start (on by default) brings back what the user ran.
    expect(await untilRunning(host, ['engine', 'standin'])).toEqual(['engine', 'standin']);
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);
  });

  it('kill -9 of the host: with no host, `status` shows what it left running and `stop` stops it, and the next host leaves it stopped', async () => {
    dirs = await killedWithProviders();

    const status = await runCli(dirs, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const listed = (JSON.parse(status.stdout) as { providers: ProviderSummary[] }).providers;
    for (const id of ['engine', 'standin']) {
      expect(listed.find((p) => p.id === id)?.state, id).toMatchObject({
        status: 'running',
        pid: expect.any(Number),
        port: expect.any(Number),
        reason: expect.stringContaining(`left running by a host that ended without stopping it`),
      });
    }
    const engine = listed.find((p) => p.id === 'engine')!.state;
    expect((await runCli(dirs, ['status'])).stdout).toMatch(/engine\s+running\s+\d+\s+\d+\s+left running by a host/);

    const typo = await runCli(dirs, ['stop', 'standn']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('did you mean "standin"');

    const one = await runCli(dirs, ['stop', 'standin']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^standin: stopped server \(pid \d+\) left running by a previous session/m);
    // The stand-in and the child it started with setsid are gone; the engine still runs.
    const left = await processesOf(dirs.baseDir);
    expect(
      left.map((p) => p.pid),
      left.map((p) => p.command).join('\n'),
    ).toEqual([engine.pid]);

    const all = await runCli(dirs, ['stop', '--all']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^engine: stopped server \(pid \d+\)/m);
    expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);
    expect((await runCli(dirs, ['stop', '--all'])).stdout).toContain('no provider of ours is running');

    // Stopped by the user, they are not what the next auto-start brings back.
    expect(JSON.parse(await readFile(path.join(dirs.baseDir, 'config', 'session.json'), 'utf8'))).toEqual({ running: [] });
    host = await startCliHost(dirs);
    expect(await untilRunning(host, ['engine', 'standin'], 2_000)).toEqual([]);
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);
  });
});
