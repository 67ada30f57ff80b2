import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_DEFAULTS, type Settings } from '../../../shared/settings';
import { STAND_IN_LLAMA_SERVER, standInRecipe } from '../../../test/stand-in';
import { tempDir } from '../../../test/temp-dir';
import { ensureLayout, pathsFor } from '../base-dir/paths';
import { LogService } from '../logs/logs';
import { isRunning } from '../os/process-tree';
import { expandPlaceholders } from './placeholders';
import { splitNodeArgs, type NodeLaunch, type NodeLauncher, type ProcessExit } from './started-process';
import { Supervisor } from './supervisor';

// The desktop shell runs `{node}` processes as Electron utility processes (main/electron/node-launcher.ts).
// This stand-in launcher behaves like one where it matters: a plain child of this process, in our
// process group (not its own), its PID known only after 'spawn'.
function utilityLikeLauncher(calls: NodeLaunch[]): NodeLauncher {
  return (launch) => {
    calls.push(launch);
    const child = spawn(process.execPath, [...launch.execArgv, launch.modulePath, ...launch.args], {
      env: launch.env,
      cwd: launch.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let started = false;
    const spawned = new Promise<void>((resolve) => {
      child.once('spawn', () => setTimeout(() => ((started = true), resolve()), 20));
      child.once('error', () => resolve());
    });
    const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return {
      get pid() {
        return started ? child.pid : undefined;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      ownGroup: false,
      spawned,
      exited,
    };
  };
}

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(nodeLauncher: NodeLauncher) {
  const paths = pathsFor(path.join(await tempDir(), 'base'));
  await ensureLayout(paths);
  const settings: Settings = { ...BUILT_IN_DEFAULTS, startupTimeoutSec: 15, healthIntervalSec: 1, stopGraceSec: 2 };
  const logs = new LogService({ dir: paths.logs, flushMs: 20 });
  const supervisor = new Supervisor({ paths, logs, settings: () => settings, expand: expandPlaceholders, nodeLauncher });
  cleanups.push(async () => {
    await supervisor.stopAll();
    await logs.close();
  });
  return { supervisor, paths, logs };
}

const nodeRecipe = (argv: string[], env: Record<string, string> = {}) =>
  standInRecipe({ start: [{ name: 'server', argv: ['{node}', ...argv], env }] });

describe('the node launcher seam', () => {
  it('splits `{node} [flags] script args` into what a utility process takes, and refuses what it cannot run', () => {
    expect(splitNodeArgs(['server.mjs', '--port', '1'])).toEqual({ execArgv: [], modulePath: 'server.mjs', args: ['--port', '1'] });
    expect(splitNodeArgs(['--max-old-space-size=4096', 'build.mjs'])).toEqual({
      execArgv: ['--max-old-space-size=4096'],
      modulePath: 'build.mjs',
      args: [],
    });
    expect(splitNodeArgs(['-e', 'console.log(1)'])).toBeUndefined();
    expect(splitNodeArgs(['--require', 'x', 'a.js'])).toBeUndefined();
    expect(splitNodeArgs(['--version'])).toBeUndefined();
  });

  it('runs a `{node}` provider through the launcher: healthy, its output in the log, stopped by PID with what it started', async () => {
    const calls: NodeLaunch[] = [];
    const { supervisor, paths, logs } = await setup(utilityLikeLauncher(calls));
    const pidFile = path.join(paths.base, 'grandchild.pid');
    const recipe = nodeRecipe([STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}'], {
      STANDIN_GRANDCHILD: '1',
      STANDIN_PID_FILE: pidFile,
    });
    const state = await supervisor.start(recipe);
    expect(state.status).toBe('running');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ modulePath: STAND_IN_LLAMA_SERVER, execArgv: [], name: 'standin server' });
    expect(calls[0]!.args).toEqual(['--host', '127.0.0.1', '--port', String(state.port)]);
    // The whole environment, as spawn would give it, plus the recipe's.
    expect(calls[0]!.env).toMatchObject({ STANDIN_GRANDCHILD: '1', PATH: process.env.PATH });
    // The PID came after the call and still made it into the state and the run record.
    expect(state.pid).toBeGreaterThan(0);
    const record = JSON.parse(await readFile(path.join(paths.cache, 'run', 'standin.json'), 'utf8')) as {
      processes: Array<{ pid: number }>;
    };
    expect(record.processes.map((p) => p.pid)).toEqual([state.pid]);
    expect(logs.tail('standin', 100).some((line) => line.stream === 'stdout' && /server is listening/.test(line.text))).toBe(true);
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(isRunning(grandchild)).toBe(true);

    const stopped = await supervisor.stop('standin');
    expect(stopped?.status).toBe('stopped');
    // Not a group leader: signalled by PID, its own child found through the parent links.
    expect(isRunning(state.pid!)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
    expect(isRunning(process.pid)).toBe(true);
  });

  it('kills a launched process by PID at exit (it leads no group to kill)', async () => {
    const { supervisor } = await setup(utilityLikeLauncher([]));
    const state = await supervisor.start(nodeRecipe([STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}']));
    supervisor.killAllNow();
    const deadline = Date.now() + 5_000;
    while (isRunning(state.pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isRunning(state.pid!)).toBe(false);
  });

  it('fails a `{node} -e …` start with why, instead of handing it to the launcher', async () => {
    const calls: NodeLaunch[] = [];
    const { supervisor } = await setup(utilityLikeLauncher(calls));
    const state = await supervisor.start(nodeRecipe(['-e', 'setInterval(() => {}, 1000)']));
    expect(state.status).toBe('failed');
    expect(state.lastError?.message).toMatch(/only with a script file/);
    expect(calls).toHaveLength(0);
  });

  it('spawns programs that are not `{node}` as before, in their own group', async () => {
    const calls: NodeLaunch[] = [];
    const { supervisor } = await setup(utilityLikeLauncher(calls));
    const state = await supervisor.start(standInRecipe());
    expect(state.status).toBe('running');
    expect(calls).toHaveLength(0);
  });
});
