import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { STAND_IN_LLAMA_SERVER } from '../test/stand-in';
import { afterEach, describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { freshDirs, projectRoot, runCli, startCliHost, writeSettings, type HostDirs, type RunningHost } from './support/host-process';
import { writeStandIns } from './support/stand-in-recipes';
import { writeTinyRecipe } from './support/tiny-recipe';

let host: RunningHost | undefined;

afterEach(async () => {
  await host?.stop();
  host = undefined;
});

/** Runs a script as a user would (`node examples/x.mjs`), importing the package by its name, against these folders. */
function runNode(dirs: HostDirs, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: projectRoot,
        timeout: 80_000,
        env: { ...process.env, HELIX_LOCAL_LLM_DIR: dirs.baseDir, XDG_CONFIG_HOME: dirs.configHome, ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const example = (name: string) => path.join('examples', name);

describe('the Node API examples, in real processes', () => {
  it('a custom provider defined in code is saved as a recipe, installed, started and stopped, with no host running', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    const port = await pickPort(19870);
    const { code, stdout, stderr } = await runNode(dirs, [example('custom-provider.mjs')], { CUSTOM_LLM_PORT: String(port) });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Custom LLM is running on port ${port}`);
    expect(stdout).toContain(`endpoint http://127.0.0.1:${port}`);
    // Where a hand-written one would be, confirmed as given: the CLI (another process) sees it, stopped.
    expect(await readFile(path.join(dirs.baseDir, 'config', 'providers.d', 'custom-llm.yaml'), 'utf8')).toContain('name: Custom LLM');
    const status = JSON.parse((await runCli(dirs, ['status', '--json'])).stdout);
    expect(status.providers.find((p: { id: string }) => p.id === 'custom-llm').state.status).toBe('installed');
    expect((await runCli(dirs, ['trust', 'custom-llm'])).stdout).toContain('Already confirmed as it is.');
  });

  it('selective install clones and builds only the providers named, and says which failed', async () => {
    const dirs = await freshDirs();
    await writeTinyRecipe(dirs, await pickPort(19880));
    const { code, stdout } = await runNode(dirs, [example('selective-install.mjs'), 'tiny', 'nope']);
    expect(stdout).toMatch(/^installed tiny v1\.0$/m);
    expect(stdout).toMatch(/^failed to install nope: No provider "nope"/m);
    expect(stdout).toMatch(/^tiny: installed$/m);
    expect(code).toBe(1);
  });

  it('round-robin goes through the running host: each request to the next running endpoint in turn, the engine on a tiny model among them', async () => {
    const dirs = await freshDirs();
    const enginePort = await pickPort(19950);
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 }, providers: { engine: { port: enginePort } } });
    await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
    writeTinyGguf(path.join(dirs.baseDir, 'models', 'tiny-llama.gguf'));
    const ports = { alpha: await pickPort(19890), beta: await pickPort(19900) };
    await writeStandIns(dirs.baseDir, ports);
    host = await startCliHost(dirs);
    const started = await runCli(dirs, ['start', 'engine', 'alpha', 'beta']);
    expect(started.code, started.stdout + started.stderr).toBe(0);
    const { code, stdout, stderr } = await runNode(dirs, [example('round-robin.mjs'), '6']);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    // In the order the host lists them (built-ins first), then round again.
    expect(lines.slice(0, 3)).toEqual([
      `request 1 -> engine http://127.0.0.1:${enginePort} (tiny-llama.gguf)`,
      expect.stringMatching(new RegExp(`^request 2 -> alpha http://127.0.0.1:${ports.alpha} \\(.+\\)$`)),
      expect.stringMatching(new RegExp(`^request 3 -> beta http://127.0.0.1:${ports.beta} `)),
    ]);
    expect(lines.slice(3).map((l) => l.split(' ')[3])).toEqual(lines.slice(0, 3).map((l) => l.split(' ')[3]));
    // The host's providers outlive the script: it was a client, not their owner.
    const status = JSON.parse((await runCli(dirs, ['status', '--json'])).stdout);
    expect(status.providers.find((p: { id: string }) => p.id === 'alpha').state.status).toBe('running');
  });

  it('the health monitor restarts a provider that failed, and reports the healthy ones', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    // A stand-in that exits as misconfigured (78, fatal: no retries) while a file says so, and serves once it is gone.
    const root = path.dirname(dirs.baseDir);
    const gate = path.join(root, 'broken');
    const wrapper = path.join(root, 'gated-stand-in.mjs');
    await writeFile(gate, 'yes');
    await writeFile(
      wrapper,
      `import { existsSync } from 'node:fs';\nif (existsSync(${JSON.stringify(gate)})) { console.error('misconfigured'); process.exit(78); }\nawait import(${JSON.stringify(pathToFileURL(STAND_IN_LLAMA_SERVER).href)});\n`,
    );
    await writeStandIns(dirs.baseDir, { healthy: await pickPort(19910) });
    await writeStandIns(dirs.baseDir, { flaky: await pickPort(19920) }, {}, { script: wrapper, fatalExitCodes: [78] });
    host = await startCliHost(dirs);
    expect((await runCli(dirs, ['start', 'healthy'])).code).toBe(0);
    const failed = await runCli(dirs, ['start', 'flaky']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^flaky: failed/);
    // Fixed now: the monitor's restart brings it up.
    await rm(gate);
    const { code, stdout, stderr } = await runNode(dirs, [example('health-monitor.mjs'), '0.1', '1']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('✅ Provider healthy is healthy');
    expect(stdout).toContain('🚨 Alert: Provider flaky is failed; restarting it');
    expect(stdout).toContain('✅ Provider flaky is running again');
  });

  it('a script sees whether it talks to a running host or runs one itself', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    const script = [
      "import { LocalLLMManager } from 'local-llm-manager';",
      "const m = new LocalLLMManager({ runtime: 'tasks' });",
      'await m.initialize();',
      "console.log(m.via, Object.keys(await m.getProviderStatus()).includes('engine'));",
      'await m.close();',
    ].join('\n');
    const alone = await runNode(dirs, ['--input-type=module', '-e', script]);
    expect(alone.stdout.trim(), alone.stderr).toBe('local true');
    host = await startCliHost(dirs);
    const client = await runNode(dirs, ['--input-type=module', '-e', script]);
    expect(client.stdout.trim(), client.stderr).toBe('host true');
  });

  it('a script that runs the host itself is found by the CLI in another terminal, which talks to it and will not signal it away', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    const script = [
      "import { LocalLLMManager } from 'local-llm-manager';",
      'const m = new LocalLLMManager();',
      'await m.initialize();',
      'console.log(m.via);',
      // Runs until told to finish on stdin, as a long-lived program would.
      "process.stdin.once('data', async () => { await m.close(); console.log('closed'); process.exit(0); });",
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: projectRoot,
      env: { ...process.env, HELIX_LOCAL_LLM_DIR: dirs.baseDir, XDG_CONFIG_HOME: dirs.configHome },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    try {
      expect((await lines.next()).value).toBe('local');
      const hostFile = path.join(dirs.baseDir, 'cache', 'host.json');
      expect(existsSync(hostFile)).toBe(true);
      // The CLI goes to the script's host, rather than being refused by the folder's lock.
      const status = await runCli(dirs, ['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).host).toMatchObject({ pid: child.pid, mode: 'script' });
      // A signal would end the script before its close(): the CLI says how to end it instead.
      const shutdown = await runCli(dirs, ['shutdown']);
      expect(shutdown.code).toBe(1);
      expect(shutdown.stderr).toContain('A script using the Node API');
      expect(child.exitCode).toBeNull();
      child.stdin!.write('done\n');
      expect((await lines.next()).value).toBe('closed');
      expect(existsSync(hostFile)).toBe(false);
      expect(JSON.parse((await runCli(dirs, ['status', '--json'])).stdout).host).toBeNull();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
