import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pickPort } from '../main/services/os/ports';
import { writeStandInRecipe } from './support/stand-in-recipe';
import {
  cliPath,
  freshDirs,
  openPrintedUrl,
  runCli,
  spawnHost,
  type HostDirs,
  startCliHost,
  type RunningHost,
} from './support/host-process';

let host: RunningHost | undefined;

afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}, given?: HostDirs) {
  return runCli(given ?? (await freshDirs()), args, env);
}

describe('the CLI', () => {
  it('`system --json` reports this machine', async () => {
    const { code, stdout } = await cli(['system', '--json']);
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.cpu.model).toBe(os.cpus()[0]!.model.trim());
    expect(info.memory.totalBytes).toBe(os.totalmem());
  });

  it('`settings` shows where each value comes from', async () => {
    const { code, stdout } = await cli(['settings'], { HELIX_LOCAL_LLM_TIMEOUT: '45' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/startupTimeoutSec\s+45\s+from HELIX_LOCAL_LLM_TIMEOUT/);
  });

  it('a base directory chosen in Settings that became a file: `status` and `serve` run on the default one and say why', async () => {
    const dirs = await freshDirs();
    const home = path.join(path.dirname(dirs.baseDir), 'home');
    const chosen = path.join(path.dirname(dirs.baseDir), 'was-a-folder');
    await writeFile(chosen, 'a file now');
    await mkdir(path.join(dirs.configHome, 'local-llm-manager'), { recursive: true });
    await writeFile(path.join(dirs.configHome, 'local-llm-manager', 'location.json'), JSON.stringify({ baseDir: chosen }));
    const env = { HELIX_LOCAL_LLM_DIR: '', HOME: home };
    const status = await cli(['status'], env, dirs);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(
      `Settings problem: The base directory chosen in Settings, ${chosen}, cannot be used: it is a file, not a folder.`,
    );
    expect(status.stderr).toContain(`The default ${path.join(home, '.helixcode', 'local-llm')} is in use`);
    const json = JSON.parse((await cli(['status', '--json'], env, dirs)).stdout) as { settingsProblems: Array<{ message: string }> };
    expect(json.settingsProblems[0]!.message).toContain(chosen);
    host = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, env);
    expect(host.output()).toContain(`headless host, base directory ${path.join(home, '.helixcode', 'local-llm')}`);
  });

  it('rejects an unknown command or option with usage, exit code 2', async () => {
    const bad = await cli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown command "frobnicate"');
    const badPort = await cli(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a whole number');
  });

  it('`serve` on a taken port says which and how to fix it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await cli(['serve', '--port', String(port)]);
      expect(code).toBe(1);
      // Who holds it: this test's own process.
      expect(stderr).toContain(`Cannot listen on 127.0.0.1: port ${port} is already in use by PID ${process.pid} (`);
      expect(stderr).toContain('Fix: Choose another with --port');
    } finally {
      blocker.close();
    }
  });

  it('`serve` creates the base layout, refuses requests without the token, and exits 0 on SIGTERM', async () => {
    const dirs = await freshDirs();
    host = await startCliHost(dirs);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dirs.baseDir)).sort()).toEqual(['bin', 'cache', 'config', 'data', 'logs', 'models']);
    expect((await fetch(host.origin)).status).toBe(401);
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ws`);
    const code = await new Promise<number>((resolve) => ws.on('close', resolve));
    expect(code).toBe(4401);
    expect(await host.stop('SIGTERM')).toBe(0);
    host = undefined;
  });
});

describe('the CLI against a running host', () => {
  it('status, start, stop and restart a provider through the host', async () => {
    const dirs = await freshDirs();
    await writeStandInRecipe(dirs.baseDir, { port: await pickPort(19800) });
    const offline = await cli(['status'], {}, dirs);
    expect(offline.stdout).toContain('No host is running');
    expect(offline.stdout).toMatch(/standin\s+installed/);
    // Without a host nothing of ours runs (unless a killed host left it: chaos.e2e): stopping is already done (`start` would bring up a background host: cli-commands.e2e).
    const noHost = await cli(['stop', 'standin'], {}, dirs);
    expect(noHost.code).toBe(0);
    expect(noHost.stdout).toContain('no provider of ours is running');

    host = await startCliHost(dirs);
    const started = await cli(['start', 'standin'], {}, dirs);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^standin: running on port \d+ \(pid \d+\)/);
    const live = await cli(['status', '--json'], {}, dirs);
    const standin = JSON.parse(live.stdout).providers.find((p: { id: string }) => p.id === 'standin');
    expect(standin.state.status).toBe('running');
    expect((await cli(['restart', 'standin'], {}, dirs)).stdout).toMatch(/running/);
    expect((await cli(['stop', 'standin'], {}, dirs)).stdout).toMatch(/^standin: stopped/);
    const unknown = await cli(['start', 'nope'], {}, dirs);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No provider "nope"');
    // A typo of a provider's id is named by the id it most likely meant.
    const typo = await cli(['stop', 'stadnin'], {}, dirs);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('No provider "stadnin"; did you mean "standin"?');
  });

  it('`stop` with no host, for a provider that ran when the host quit: it is not started with the next host', async () => {
    const dirs = await freshDirs();
    await writeStandInRecipe(dirs.baseDir, { port: await pickPort(19850) });
    host = await startCliHost(dirs);
    expect((await cli(['start', 'standin'], {}, dirs)).code).toBe(0);
    expect(await host.stop('SIGTERM')).toBe(0);
    host = undefined;
    const sessionFile = path.join(dirs.baseDir, 'config', 'session.json');
    expect(JSON.parse(await readFile(sessionFile, 'utf8')).running).toEqual(['standin']);
    // status says so before anything starts.
    expect((await cli(['status'], {}, dirs)).stdout).toMatch(/^standin\s+installed .*starts with the next host/m);

    const stopped = await cli(['stop', 'standin'], {}, dirs);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('standin: will not be started with the next host');
    expect(JSON.parse(await readFile(sessionFile, 'utf8')).running).toEqual([]);
    expect((await cli(['status'], {}, dirs)).stdout).not.toContain('starts with the next host');
    // Said once: a second stop has nothing left to forget.
    expect((await cli(['stop', '--all'], {}, dirs)).stdout).not.toContain('will not be started');

    host = await startCliHost(dirs);
    const status = JSON.parse((await cli(['status', '--json'], {}, dirs)).stdout);
    // Auto-start begins with the host (before it answers): had it been asked for, this would say starting or running.
    expect(status.providers.find((p: { id: string }) => p.id === 'standin').state.status).not.toMatch(/starting|running/);
  });
});

describe('npm start on a machine without Electron', () => {
  it('says so in one line and serves the UI at the printed URL', async () => {
    const dirs = await freshDirs();
    host = await spawnHost('node', ['scripts/start.mjs', '--port', '0'], dirs);
    const output = host.output();
    expect(output.split('\n').filter((line) => line.includes('starting the headless host instead'))).toHaveLength(1);
    const page = await openPrintedUrl(host.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});
