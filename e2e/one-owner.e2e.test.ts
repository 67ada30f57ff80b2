import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstallRun } from '../shared/install';
import { isRunning } from '../main/services/os/process-tree';
import { cliPath, freshDirs, projectRoot, runCli, spawnHost, startCliHost, type HostDirs, type RunningHost } from './support/host-process';
import { processesOf } from './support/our-processes';
import { writeTinyRecipe } from './support/tiny-recipe';
import { connectClient } from './support/ws-client';

// One supervisor per base directory: whatever else runs on it talks to that one or only reads.

let host: RunningHost | undefined;
let dirs: HostDirs | undefined;

afterEach(async () => {
  await host?.stop();
  if (dirs) for (const p of await processesOf(dirs.baseDir)) process.kill(p.pid, 'SIGKILL');
  host = undefined;
  dirs = undefined;
});

function envOf(d: HostDirs, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, HELIX_LOCAL_LLM_DIR: d.baseDir, XDG_CONFIG_HOME: d.configHome, DISPLAY: '', WAYLAND_DISPLAY: '', ...extra };
}

const cli = runCli;

/** The PID of the build step the install runs now (the tiny recipe's build.mjs), once it runs. */
async function buildStepPid(baseDir: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const step = (await processesOf(baseDir)).find((p) => p.command.includes('build.mjs'));
    if (step) return step.pid;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the install never reached its build step');
}

describe('one owner per base directory', () => {
  it('a second serve refuses in one line naming the owner; read-only commands answer beside it and change nothing', async () => {
    dirs = await freshDirs();
    host = await startCliHost(dirs);
    const lock = await readFile(path.join(dirs.baseDir, 'cache', 'owner.lock'), 'utf8');

    const second = await cli(dirs, ['serve', '--port', '0']);
    expect(second.code).toBe(1);
    const firstLine = second.stderr.split('\n')[0]!;
    expect(firstLine).toContain(`PID ${host.process.pid}`);
    expect(firstLine).toContain('already managed by a headless host');
    // What the user wanted is that host's page: its URL, token included, is in the answer.
    expect(second.stderr).toContain(`Open it in a browser: ${host.url} (the CLI talks to it too).`);

    for (const args of [
      ['status', '--json'],
      ['settings', '--json'],
      ['system', '--json'],
    ]) {
      const result = await cli(dirs, args);
      expect(result.code, result.stderr).toBe(0);
      JSON.parse(result.stdout);
    }
    // The owner is untouched: same lock, still serving.
    expect(await readFile(path.join(dirs.baseDir, 'cache', 'owner.lock'), 'utf8')).toBe(lock);
    expect((await fetch(`${host.origin}/healthz`)).status).toBe(200);
  });

  it.runIf(process.platform === 'linux')(
    'a host started before the wall clock was set is still the owner: serve refuses, shutdown stops it',
    async () => {
      dirs = await freshDirs();
      host = await startCliHost(dirs);
      // The clock set back two hours since the host wrote its files (NTP after a suspend, a VM
      // resumed): its start read now is two hours from the one they hold. Its boot and ticks are not.
      for (const file of ['owner.lock', 'host.json']) {
        const where = path.join(dirs.baseDir, 'cache', file);
        const recorded = JSON.parse(await readFile(where, 'utf8'));
        expect(recorded.bootTicks).toMatch(/^[0-9a-f-]{36}:\d+$/);
        await writeFile(where, JSON.stringify({ ...recorded, startedAt: recorded.startedAt + 7_200_000 }));
      }
      const second = await cli(dirs, ['serve', '--port', '0']);
      expect(second.code).toBe(1);
      expect(second.stderr.split('\n')[0]).toContain(`PID ${host.process.pid}`);
      const shutdown = await cli(dirs, ['shutdown']);
      expect(shutdown.code, shutdown.stderr).toBe(0);
      expect(shutdown.stdout).toContain(`Stopped the host (pid ${host.process.pid})`);
      expect(isRunning(host.process.pid!)).toBe(false);
      expect(existsSync(path.join(dirs.baseDir, 'cache', 'owner.lock'))).toBe(false);
    },
  );

  it('read-only commands with no host running take no lock and start nothing', async () => {
    dirs = await freshDirs();
    const status = await cli(dirs, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).providers.some((p: { id: string }) => p.id === 'engine')).toBe(true);
    expect(existsSync(path.join(dirs.baseDir, 'cache', 'owner.lock'))).toBe(false);
    // No runtime means no gateway was opened and no session was written.
    expect(existsSync(path.join(dirs.baseDir, 'config', 'session.json'))).toBe(false);
    // Listing models and scanning for servers only read too: a first try leaves no folder behind.
    const fresh = await freshDirs({ firstRun: true });
    const models = await cli(fresh, ['models', 'list', '--json']);
    expect(models.code, models.stderr).toBe(0);
    expect(JSON.parse(models.stdout)).toMatchObject({ dir: path.join(fresh.baseDir, 'models') });
    const discover = await cli(fresh, ['discover', '--json']);
    expect(discover.code, discover.stderr).toBe(0);
    expect(JSON.parse(discover.stdout).probed).toBeGreaterThan(0);
    expect(existsSync(fresh.baseDir)).toBe(false);
  });

  it('the base directory deleted under a running host: it comes back with the lock and host.json, the CLI still finds the host, a second one is refused', async () => {
    dirs = await freshDirs();
    host = await startCliHost(dirs);
    await rm(dirs.baseDir, { recursive: true, force: true });
    // The guard looks every 2 s.
    const deadline = Date.now() + 10_000;
    while (!existsSync(path.join(dirs.baseDir, 'cache', 'host.json')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await readFile(path.join(dirs.baseDir, 'cache', 'owner.lock'), 'utf8')).toContain(`"pid":${host.process.pid}`);
    for (const dir of ['bin', 'config', 'data', 'models', 'logs']) expect(existsSync(path.join(dirs.baseDir, dir)), dir).toBe(true);

    const status = await cli(dirs, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`Open the UI: ${host.origin}`);
    expect(status.stderr).toContain('Alert: The base directory was deleted.');
    const second = await cli(dirs, ['serve', '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already managed by a headless host ("serve"), PID ${host.process.pid}`);
    expect(await host.stop('SIGTERM')).toBe(0);
    host = undefined;
    expect(existsSync(path.join(dirs.baseDir, 'cache', 'host.json'))).toBe(false);
  });

  it('a lock left by a host killed with -9 is taken over by the next one', async () => {
    dirs = await freshDirs();
    host = await startCliHost(dirs);
    host.process.kill('SIGKILL');
    await new Promise((resolve) => host!.process.once('exit', resolve));
    expect(existsSync(path.join(dirs.baseDir, 'cache', 'owner.lock'))).toBe(true);
    host = await startCliHost(dirs);
    expect(await readFile(path.join(dirs.baseDir, 'cache', 'owner.lock'), 'utf8')).toContain(`"pid":${host.process.pid}`);
  });

  it('CLI commands during an install through the host never touch its step', async () => {
    dirs = await freshDirs();
    const flag = path.join(dirs.baseDir, '..', 'let-the-build-finish');
    await writeTinyRecipe(dirs, 18_900 + Math.floor(Math.random() * 90));
    // The host runs the install; its build step waits for the flag file (named in the host's env).
    host = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, { WAIT_FOR: flag });
    const { client, close } = await connectClient(host.origin, host.token);
    try {
      await client.invoke('install.start', { ids: ['tiny'] });
      const step = await buildStepPid(dirs.baseDir);

      const status = await cli(dirs, ['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      const tiny = JSON.parse(status.stdout).providers.find((p: { id: string }) => p.id === 'tiny');
      expect(tiny.state.status).toBe('installing');
      const again = await cli(dirs, ['install', 'tiny']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already being installed');
      await cli(dirs, ['settings']);
      expect(isRunning(step), 'the build step survived the CLI commands').toBe(true);

      const done = new Promise<InstallRun>((resolve) => client.on('install.progress', (r) => r.status === 'done' && resolve(r)));
      await writeFile(flag, '');
      expect((await done).providerId).toBe('tiny');
    } finally {
      close();
    }
  });

  it('an install the CLI runs itself holds the lock: serve refuses, status reads, the step is never killed', async () => {
    dirs = await freshDirs();
    const flag = path.join(dirs.baseDir, '..', 'let-the-build-finish');
    await writeTinyRecipe(dirs, 18_900 + Math.floor(Math.random() * 90));
    const installer = spawn(process.execPath, [cliPath, 'install', 'tiny'], {
      cwd: projectRoot,
      env: envOf(dirs, { WAIT_FOR: flag }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    installer.stdout.on('data', (d: Buffer) => (output += d.toString()));
    installer.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => installer.once('exit', resolve));
    const step = await buildStepPid(dirs.baseDir);

    const serve = await cli(dirs, ['serve', '--port', '0']);
    expect(serve.code).toBe(1);
    expect(serve.stderr.split('\n')[0]).toContain(`"cli" command, PID ${installer.pid}`);
    const status = await cli(dirs, ['status']);
    expect(status.code, status.stderr).toBe(0);
    const uninstall = await cli(dirs, ['uninstall', 'tiny']);
    expect(uninstall.code).toBe(1);
    expect(uninstall.stderr).toContain(`PID ${installer.pid}`);
    expect(isRunning(step), 'the build step survived').toBe(true);

    await writeFile(flag, '');
    expect(await exited, output).toBe(0);
    expect(existsSync(path.join(dirs.baseDir, 'data', 'tiny', '.install-complete.json'))).toBe(true);
    expect(existsSync(path.join(dirs.baseDir, 'cache', 'owner.lock'))).toBe(false);
  });
});
