import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderState } from '../../../shared/provider';
import { BUILT_IN_DEFAULTS, type Settings } from '../../../shared/settings';
import { STAND_IN_LLAMA_SERVER, standInRecipe } from '../../../test/stand-in';
import { tempDir } from '../../../test/temp-dir';
import { waitForState } from '../../../test/wait-for-state';
import { LogService } from '../logs/logs';
import { ensureLayout, pathsFor } from '../base-dir/paths';
import { expandPlaceholders } from './placeholders';
import { isRunning } from '../os/process-tree';
import { Supervisor } from './supervisor';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(overrides: Partial<Settings> = {}) {
  const paths = pathsFor(path.join(await tempDir(), 'base'));
  await ensureLayout(paths);
  const settings: Settings = { ...BUILT_IN_DEFAULTS, startupTimeoutSec: 15, healthIntervalSec: 1, stopGraceSec: 2, ...overrides };
  const logs = new LogService({ dir: paths.logs, flushMs: 20 });
  const supervisor = new Supervisor({ paths, logs, settings: () => settings, expand: expandPlaceholders });
  const states: ProviderState[] = [];
  supervisor.on('state', (s) => states.push(s));
  cleanups.push(async () => {
    await supervisor.stopAll();
    await logs.close();
  });
  return { supervisor, paths, logs, settings, states };
}

async function holdPort(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer();
  cleanups.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('Supervisor with a real stand-in llama-server', () => {
  it('starts it, waits for its health probe, and reports port, PID and models', async () => {
    const { supervisor, states } = await setup();
    const recipe = standInRecipe({ env: { STANDIN_LOAD_MS: '600' } });
    const state = await supervisor.start(recipe);
    expect(state).toMatchObject({ status: 'running', port: recipe.defaultPort === state.port ? recipe.defaultPort : state.port });
    expect(isRunning(state.pid!)).toBe(true);
    // It answered 503 while "loading": starting lasted until the probe passed, not until the port opened.
    expect(supervisor.healthHistory('standin').some((s) => !s.ok && s.detail === 'HTTP 503')).toBe(true);
    expect(states.map((s) => s.status)).toContain('starting');
    await waitForState(supervisor, (s) => (s.models?.length ?? 0) > 0);
    expect(supervisor.state('standin')!.models).toEqual(['stand-in.gguf']);
  });

  it('starts one process when Start is pressed twice at once', async () => {
    const { supervisor } = await setup();
    const recipe = standInRecipe();
    const [a, b] = await Promise.all([supervisor.start(recipe), supervisor.start(recipe)]);
    expect(a.status).toBe('running');
    expect(b.pid).toBe(a.pid);
    expect(Object.keys(a.pids ?? {})).toEqual(['server']);
  });

  it('restarts it at once after kill -9 once it had been serving, healthy again on the same port', async () => {
    const { supervisor } = await setup();
    const first = await supervisor.start(standInRecipe());
    // Served for over a second (pm2's min_uptime): no crash loop, so no backoff.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    process.kill(first.pid!, 'SIGKILL');
    const crashed = await waitForState(supervisor, (s) => s.status === 'starting' && s.restarts === 1);
    expect(crashed.reason).toMatch(/was killed by SIGKILL; restarting now \(restart 1 of/);
    const again = await waitForState(supervisor, (s) => s.status === 'running');
    expect(again.pid).not.toBe(first.pid);
    expect(again.port).toBe(first.port);
    expect(again.restarts).toBe(1);
  });

  it('backs off when it dies right after becoming healthy (a crash loop)', async () => {
    const { supervisor } = await setup();
    const first = await supervisor.start(standInRecipe());
    process.kill(first.pid!, 'SIGKILL');
    const crashed = await waitForState(supervisor, (s) => s.status === 'starting' && s.restarts === 1);
    expect(crashed.reason).toMatch(/was killed by SIGKILL; restarting in 1 s \(crash loop\)/);
    await waitForState(supervisor, (s) => s.status === 'running');
  });

  it('times a load and a crash loop by a clock the wall clock being set does not move', async () => {
    const { supervisor } = await setup();
    // The wall clock set an hour on at every look (NTP after a laptop's suspend, a VM resumed).
    const realNow = Date.now.bind(Date);
    let setOn = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + (setOn += 3_600_000));
    try {
      // Loading for 600 ms is not over the 15 s startup timeout, though the wall clock says hours.
      const first = await supervisor.start(standInRecipe({ env: { STANDIN_LOAD_MS: '600' } }));
      expect(first.status).toBe('running');
      // Dying at once after becoming healthy is a crash loop, however long the wall clock says it ran.
      process.kill(first.pid!, 'SIGKILL');
      const crashed = await waitForState(supervisor, (s) => s.status === 'starting' && s.restarts === 1);
      expect(crashed.reason).toMatch(/restarting in 1 s \(crash loop\)/);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('marks a hung (SIGSTOPped) provider unhealthy, then restarts it', async () => {
    const { supervisor } = await setup({ unhealthyAfterFailures: 2 });
    const first = await supervisor.start(standInRecipe());
    process.kill(first.pid!, 'SIGSTOP');
    const unhealthy = await waitForState(supervisor, (s) => s.status === 'unhealthy');
    expect(unhealthy.reason).toMatch(/health check failed 2 times in a row \(timed out\)/);
    const again = await waitForState(supervisor, (s) => s.status === 'running');
    expect(again.pid).not.toBe(first.pid);
    expect(isRunning(first.pid!)).toBe(false);
  });

  it('moves to a free port when the default is taken, and passes it through {port}', async () => {
    const { supervisor } = await setup();
    const { port: taken } = await holdPort();
    const state = await supervisor.start(standInRecipe({ defaultPort: taken }));
    expect(state.status).toBe('running');
    expect(state.port).not.toBe(taken);
    const answer = await fetch(`http://127.0.0.1:${state.port}/health`);
    expect(answer.headers.get('server')).toBe('llama.cpp');
  });

  it('refuses a pinned port that is taken, naming the PID and command holding it, before spawning', async () => {
    const { supervisor, states } = await setup();
    const holder = spawn(
      process.execPath,
      ['-e', "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    cleanups.push(() => holder.kill('SIGKILL'));
    const port = Number(await new Promise<string>((resolve) => holder.stdout!.once('data', (d) => resolve(String(d)))));
    const error = await supervisor.start(standInRecipe(), { pinnedPort: port }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect((error as Error).message).toContain(`port ${port} is already in use by PID ${holder.pid}`);
    expect((error as Error).message).toContain(process.execPath);
    expect(states).toEqual([]);
  });

  it('kills a provider that ignores SIGTERM after the grace period', async () => {
    const { supervisor, logs } = await setup({ stopGraceSec: 1 });
    const started = await supervisor.start(standInRecipe({ env: { STANDIN_IGNORE_SIGTERM: '1' } }));
    const before = Date.now();
    const stopped = await supervisor.stop('standin');
    expect(stopped?.status).toBe('stopped');
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(isRunning(started.pid!)).toBe(false);
    expect(logs.tail('standin', 50).map((l) => l.text)).toEqual(
      expect.arrayContaining(['got SIGTERM, ignoring it', 'server ignored SIGTERM and was killed']),
    );
  });

  it.each(['same-group', 'setsid'])('leaves no grandchild (%s) after stop or restart', async (mode) => {
    const { supervisor } = await setup();
    const pidFile = path.join(await tempDir(), 'grandchild.pid');
    const first = await supervisor.start(standInRecipe({ env: { STANDIN_GRANDCHILD: mode, STANDIN_PID_FILE: pidFile } }));
    const firstGrandchild = Number(await readFile(pidFile, 'utf8'));
    expect(isRunning(firstGrandchild)).toBe(true);

    await supervisor.stop('standin');
    expect(isRunning(first.pid!)).toBe(false);
    expect(isRunning(firstGrandchild)).toBe(false);

    // A restart after a crash of the parent cleans up its children too.
    const second = await supervisor.start(standInRecipe({ env: { STANDIN_GRANDCHILD: mode, STANDIN_PID_FILE: pidFile } }));
    const secondGrandchild = Number(await readFile(pidFile, 'utf8'));
    process.kill(second.pid!, 'SIGKILL');
    await waitForState(supervisor, (s) => s.status === 'running' && s.pid !== second.pid);
    expect(isRunning(secondGrandchild)).toBe(false);
  });

  it('gives up after repeated crashes, landing in failed with the last log lines', async () => {
    const { supervisor } = await setup({ restartLimit: 2, restartWindowSec: 60 });
    // Start settles on the first outcome: healthy for an instant on a busy machine, or failed. The test is about the end.
    const first = await supervisor.start(standInRecipe({ env: { STANDIN_CRASH_AFTER_MS: '100' } }));
    const final = first.status === 'failed' ? first : await waitForState(supervisor, (s) => s.status === 'failed');
    expect(final.status).toBe('failed');
    expect(final.reason).toMatch(/gave up after 3 failures within 60 s; last: server exited with code 3/);
    expect(final.lastError?.logTail).toContain('GGML_ASSERT: simulated crash');
    expect(final.restarts).toBe(2);
  });

  it('fails at once, without retrying, when the program does not exist', async () => {
    const { supervisor } = await setup();
    const recipe = standInRecipe({ start: [{ name: 'server', argv: ['no-such-llm-server-xyz', '--port', '{port}'] }] });
    const state = await supervisor.start(recipe);
    expect(state).toMatchObject({ status: 'failed', restarts: 0 });
    expect(state.reason).toContain('"no-such-llm-server-xyz" was not found');
  });

  it('fails a start that never becomes healthy within the startup timeout', async () => {
    const { supervisor } = await setup({ startupTimeoutSec: 1, restartLimit: 0 });
    const state = await supervisor.start(standInRecipe({ env: { STANDIN_LOAD_MS: '60000' } }));
    expect(state.status).toBe('failed');
    expect(state.reason).toMatch(/did not become healthy within 1 s \(\/health: HTTP 503\)/);
  });

  it('passes a GGUF chosen from the shared models folder as its full path, and a name as given', async () => {
    const { supervisor, paths } = await setup();
    const argv = [process.execPath, STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}', '-m', '{model}'];
    const props = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/props`)).json()) as { model_path: string };

    const gguf = await supervisor.start(standInRecipe({ modelInput: 'gguf', start: [{ name: 'server', argv }] }), { model: 'tiny.gguf' });
    expect((await props(gguf.port!)).model_path).toBe(path.join(paths.models, 'tiny.gguf'));
    await supervisor.stop('standin');

    const named = await supervisor.start(standInRecipe({ modelInput: 'name', start: [{ name: 'server', argv }] }), { model: 'org/model' });
    expect((await props(named.port!)).model_path).toBe('org/model');
  });

  it('writes stdout and stderr to logs/<id>.log and streams them as batched events', async () => {
    const { supervisor, logs, paths } = await setup();
    const batches: Array<{ lines: number; dropped: number; lastSeq: number }> = [];
    logs.on('lines', (b) => batches.push({ lines: b.lines.length, dropped: b.dropped, lastSeq: b.lines.at(-1)!.seq }));
    await supervisor.start(standInRecipe({ env: { STANDIN_LOG_LINES: '5000', STANDIN_STDERR: 'warning: on stderr' } }));
    await new Promise((r) => setTimeout(r, 200));
    const file = await readFile(path.join(paths.logs, 'standin.log'), 'utf8');
    expect(file).toContain('log line 5000 of 5000');
    expect(file).toContain('warning: on stderr');
    const tail = logs.tail('standin', 10_000);
    expect(tail.find((l) => l.text === 'warning: on stderr')?.stream).toBe('stderr');
    expect(tail.filter((l) => l.text.startsWith('log line ')).length).toBe(5000);
    // Clients got every line or a count of what was skipped, in a handful of batches rather than 5000 events.
    const seen = batches.reduce((sum, b) => sum + b.lines + b.dropped, 0);
    expect(seen).toBe(batches.at(-1)!.lastSeq);
    expect(seen).toBeGreaterThan(5000);
    expect(batches.length).toBeLessThan(50);
  });
});
