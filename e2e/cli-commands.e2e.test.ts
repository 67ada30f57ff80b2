import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { STAND_IN_LLAMA_SERVER } from '../test/stand-in';
import {
  cliPath,
  freshDirs,
  projectRoot,
  runCli,
  startCliHost,
  writeSettings,
  type HostDirs,
  type RunningHost,
} from './support/host-process';
import { writeStandIns } from './support/stand-in-recipes';

let host: RunningHost | undefined;
/** Folders where a CLI `start` may have left a background host: shut down after each test. */
const backgrounds: HostDirs[] = [];

afterEach(async () => {
  await host?.stop();
  host = undefined;
  for (const dirs of backgrounds.splice(0)) await runCli(dirs, ['shutdown']);
});

const COMMANDS = [
  'serve',
  'status',
  'start',
  'stop',
  'restart',
  'shutdown',
  'install',
  'update',
  'uninstall',
  'trust',
  'cleanup',
  'logs',
  'discover',
  'gateway',
  'models',
  'doctor',
  'backup',
  'restore',
  'export',
  'system',
  'settings',
  'completion',
];

describe('the CLI, command by command', () => {
  it('`status --json` parses: no host, and the providers with their state', async () => {
    const dirs = await freshDirs();
    const { code, stdout } = await runCli(dirs, ['status', '--json']);
    expect(code).toBe(0);
    const status = JSON.parse(stdout);
    expect(status.host).toBeNull();
    expect(status.providers.find((p: { id: string }) => p.id === 'engine').state.status).toBeTruthy();
  });

  it('before anything ever ran (no base directory yet), `status` and `system` answer and create nothing; a file in its place is named', async () => {
    const dirs = await freshDirs({ firstRun: true });
    for (const args of [['status'], ['system'], ['status', '--json']]) {
      const { code, stdout, stderr } = await runCli(dirs, args);
      expect(code, stderr).toBe(0);
      expect(stdout).not.toBe('');
    }
    expect(existsSync(dirs.baseDir)).toBe(false);
    await writeFile(dirs.baseDir, '');
    const onFile = await runCli(dirs, ['status']);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr).toContain(`The base directory ${dirs.baseDir} is not a folder.`);
    expect(onFile.stderr).not.toMatch(/bug/i);
  });

  it('`start` with no host brings one up in the background; later calls talk to it, never to a second supervisor', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    await writeStandIns(dirs.baseDir, { standin: await pickPort(19840) });
    backgrounds.push(dirs);
    const started = await runCli(dirs, ['start', 'standin']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^standin: running on port \d+ \(pid (\d+)\)/);
    expect(started.stderr).toContain('Started a background host');
    const first = JSON.parse((await runCli(dirs, ['status', '--json'])).stdout);
    const standin = first.providers.find((p: { id: string }) => p.id === 'standin');
    expect(standin.state.status).toBe('running');
    expect(first.host.pid).toBeGreaterThan(0);

    // Started again through the same host: the same process, not a second one under a second supervisor.
    const again = await runCli(dirs, ['start', 'standin', '--json']);
    expect(again.code).toBe(0);
    const answer = JSON.parse(again.stdout);
    expect(answer.host.pid).toBe(first.host.pid);
    expect(answer.states[0].pid).toBe(standin.state.pid);
    expect(again.stderr).not.toContain('Started a background host');

    // The host's log, through the host, with times; and the gateway's URL.
    const logs = await runCli(dirs, ['logs', 'standin', '--since', '5m', '--json']);
    expect(logs.code).toBe(0);
    expect(
      logs.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(expect.arrayContaining([expect.stringContaining('server is listening')]));
    const url = await runCli(dirs, ['gateway', 'url']);
    expect(url.code).toBe(0);
    expect(url.stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const stopped = await runCli(dirs, ['stop', '--all']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^standin: stopped/m);
    const down = await runCli(dirs, ['shutdown']);
    expect(down.code).toBe(0);
    expect(JSON.parse((await runCli(dirs, ['status', '--json'])).stdout).host).toBeNull();
  });

  it('`logs -f` follows a provider through the host until Ctrl-C; `discover` finds a server on a saved endpoint', async () => {
    const dirs = await freshDirs();
    const outside = await pickPort(19930);
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0, endpoints: [`127.0.0.1:${outside}`] } });
    await writeStandIns(dirs.baseDir, { standin: await pickPort(19940) });
    // A server this app did not start, on the endpoint the user saved.
    const server = spawn(process.execPath, [STAND_IN_LLAMA_SERVER, '--host', '127.0.0.1', '--port', String(outside)], { stdio: 'ignore' });
    try {
      // Listening before `discover` looks (on a busy machine the server takes longer to start than the CLI).
      const health = () =>
        fetch(`http://127.0.0.1:${outside}/health`).then(
          (r) => r.status,
          () => 0,
        );
      await expect.poll(health, { timeout: 10_000 }).toBe(200);
      const found = await runCli(dirs, ['discover', '--json']);
      expect(found.code, found.stderr).toBe(0);
      const entry = JSON.parse(found.stdout).servers.find((s: { port: number }) => s.port === outside);
      expect(entry).toMatchObject({ baseUrl: `http://127.0.0.1:${outside}`, ownership: 'external', healthy: true });
      expect((await runCli(dirs, ['discover'])).stdout).toContain(`http://127.0.0.1:${outside}`);

      host = await startCliHost(dirs);
      expect((await runCli(dirs, ['start', 'standin'])).code).toBe(0);
      const follow = spawn(process.execPath, [cliPath, 'logs', 'standin', '-f', '-n', '5'], {
        cwd: projectRoot,
        env: { ...process.env, HELIX_LOCAL_LLM_DIR: dirs.baseDir, XDG_CONFIG_HOME: dirs.configHome },
      });
      let out = '';
      follow.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => follow.on('exit', resolve));
      await expect.poll(() => out, { timeout: 20_000 }).toContain('server is listening');
      const before = out.split('server is listening').length;
      // A restart prints the listening line again: it arrives while following.
      expect((await runCli(dirs, ['restart', 'standin'])).code).toBe(0);
      await expect.poll(() => out.split('server is listening').length, { timeout: 20_000 }).toBeGreaterThan(before);
      follow.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      server.kill();
    }
  });

  it('`restart --all` brings back what ran, through a `serve` host', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    await writeStandIns(dirs.baseDir, { standin: await pickPort(19850), other: await pickPort(19860) });
    host = await startCliHost(dirs);
    expect((await runCli(dirs, ['start', 'standin', 'other'])).code).toBe(0);
    const restarted = await runCli(dirs, ['restart', '--all', '--json']);
    expect(restarted.code).toBe(0);
    expect(
      JSON.parse(restarted.stdout)
        .states.map((s: { id: string; status: string }) => `${s.id} ${s.status}`)
        .sort(),
    ).toEqual(['other running', 'standin running']);
  });

  it('`doctor` exits 1 and prints the fix when a required tool (git) is not on PATH, 0 when it is', async () => {
    const dirs = await freshDirs();
    const emptyBin = path.join(path.dirname(dirs.baseDir), 'empty-bin');
    await mkdir(emptyBin, { recursive: true });
    const missing = await runCli(dirs, ['doctor'], { PATH: emptyBin });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/✗ Git missing; required by every install and update\n\s+fix: \S+/);
    const json = JSON.parse((await runCli(dirs, ['doctor', '--json'], { PATH: emptyBin })).stdout);
    expect(json.ok).toBe(false);

    const gitBin = path.join(path.dirname(dirs.baseDir), 'git-bin');
    await mkdir(gitBin, { recursive: true });
    await writeFile(path.join(gitBin, 'git'), '#!/bin/sh\necho "git version 2.47.0"\n', { mode: 0o755 });
    const present = await runCli(dirs, ['doctor'], { PATH: gitBin });
    expect(present.code, present.stdout).toBe(0);
    expect(present.stdout).toContain('Everything required is here.');
  });

  it('unknown commands and bad arguments print usage and exit 2', async () => {
    const dirs = await freshDirs();
    const cases = [
      ['frobnicate'],
      ['start'],
      ['stop', 'x', '--all'],
      ['logs'],
      ['status', '--bogus'],
      ['gateway', 'frob'],
      ['completion', 'tcsh'],
      ['logs', 'x', '--since', 'yesterday-ish'],
      ['help', 'nope'],
    ];
    // A few at a time, like --help below: each is a whole Node process.
    for (let i = 0; i < cases.length; i += 3) {
      const batch = cases.slice(i, i + 3);
      const results = await Promise.all(batch.map((args) => runCli(dirs, args)));
      results.forEach((result, j) => {
        const args = batch[j]!.join(' ');
        expect(result.code, args).toBe(2);
        expect(result.stderr, args).toMatch(/^Error: .+\nRun "local-llm-manager (\w+ --help|help)" for usage\./);
      });
    }
  });

  it('refuses a mistyped option before loading the command: it answers with the command’s code not there at all', async () => {
    // A copy of the built CLI without the chunk `status` runs: only an answer that never loads it can still come.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'cli-precheck-'));
    try {
      await cp(path.dirname(cliPath), path.join(copy, 'main'), { recursive: true });
      await symlink(path.join(projectRoot, 'node_modules'), path.join(copy, 'node_modules'));
      const chunks = path.join(copy, 'main', 'chunks');
      const providers = (await readdir(chunks)).filter((name) => name.startsWith('cli-providers-'));
      expect(providers.length).toBeGreaterThan(0);
      for (const name of providers) await rm(path.join(chunks, name));
      const dirs = await freshDirs();
      const run = (args: string[]) =>
        new Promise<{ code: number; stderr: string }>((resolve) =>
          execFile(
            process.execPath,
            [path.join(copy, 'main', path.basename(cliPath)), ...args],
            { env: { ...process.env, HELIX_LOCAL_LLM_DIR: dirs.baseDir } },
            (error, _out, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
          ),
        );
      const [mistyped, extra, valid] = await Promise.all([run(['status', '--jsn']), run(['status', 'extra']), run(['status'])]);
      expect(mistyped).toEqual({ code: 2, stderr: `Error: Unknown option '--jsn'\nRun "local-llm-manager status --help" for usage.\n` });
      expect(extra.code).toBe(2);
      expect(extra.stderr).toContain('does not take positional arguments');
      // The same copy does need the chunk for real work: the check above is what spared it.
      expect(valid.code).toBe(1);
      expect(valid.stderr).toContain('cli-providers-');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('every command answers --help with its usage, exit 0, and without colour when not a terminal', { timeout: 180_000 }, async () => {
    const dirs = await freshDirs();
    // A few at a time: each is a whole Node process loading the CLI.
    for (let i = 0; i < COMMANDS.length; i += 4) {
      const batch = COMMANDS.slice(i, i + 4);
      const results = await Promise.all(batch.map((command) => runCli(dirs, [command, '--help'])));
      results.forEach((result, j) => {
        expect(result.code, batch[j]).toBe(0);
        expect(result.stdout, batch[j]).toMatch(new RegExp(`^Usage: local-llm-manager ${batch[j]}`));
      });
    }
    const help = await runCli(dirs, ['help']);
    expect(help.stdout).not.toMatch(/\u001b\[/);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('prints completion scripts for bash, zsh and fish that name every command; bash parses its own', async () => {
    const dirs = await freshDirs();
    const scripts = Object.fromEntries(
      await Promise.all(['bash', 'zsh', 'fish'].map(async (shell) => [shell, (await runCli(dirs, ['completion', shell])).stdout] as const)),
    );
    for (const script of Object.values(scripts)) for (const command of COMMANDS) expect(script).toContain(command);
    expect(scripts.fish).toContain("complete -c local-llm-manager -n '__fish_seen_subcommand_from logs' -l since");
    const syntax = (shell: string, script: string) =>
      new Promise<number>((resolve) => {
        const child = execFile(shell, ['-n'], (error) => resolve(error ? 1 : 0));
        child.stdin!.end(script);
      });
    expect(await syntax('bash', scripts.bash!)).toBe(0);
  });
});
