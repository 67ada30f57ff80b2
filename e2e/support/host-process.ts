import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');
export const cliPath = path.join(projectRoot, 'out', 'main', 'cli.js');

export interface HostDirs {
  /** HELIX_LOCAL_LLM_DIR */
  baseDir: string;
  /** XDG_CONFIG_HOME, so the app's own config never touches the real home. */
  configHome: string;
}

/**
 * A fresh base dir and app config dir. Unless `firstRun`, the first-run wizard counts as done (as
 * after a user finished it), so the app opens on the page a test expects rather than on Install.
 */
export async function freshDirs(options: { firstRun?: boolean } = {}): Promise<HostDirs> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'llm-e2e-'));
  const dirs = { baseDir: path.join(root, 'base'), configHome: path.join(root, 'config-home') };
  if (!options.firstRun) await writeSettings(dirs, {});
  return dirs;
}

/**
 * Writes the settings file the host reads at start, with the wizard done unless the given settings
 * say otherwise, and ports of its own unless they name them. Two e2e files run at once: with the
 * defaults their hosts would trade the gateway's port 8400, and each host's discovery would find
 * the other's built-in engine on 8090 (the engine's default) and show it as an outside server.
 */
export async function writeSettings(dirs: HostDirs, settings: Record<string, unknown>): Promise<void> {
  await mkdir(path.join(dirs.baseDir, 'config'), { recursive: true });
  const gateway = (settings.gateway ?? {}) as Record<string, unknown>;
  const providers = (settings.providers ?? {}) as Record<string, Record<string, unknown>>;
  await writeFile(
    path.join(dirs.baseDir, 'config', 'settings.json'),
    JSON.stringify({
      wizard: { completed: true, step: 0, selected: [] },
      ...settings,
      gateway: { port: 0, ...gateway },
      providers: { ...providers, engine: { port: await getPort(), ...providers.engine } },
    }),
  );
}

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  output: () => string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a command that ends up serving the headless host (the built CLI, or `npm start`), and
 * resolves once it prints its URL line.
 */
export function spawnHost(
  command: string,
  args: string[],
  dirs: HostDirs,
  extraEnv: NodeJS.ProcessEnv = {},
  options: { detached?: boolean } = {},
): Promise<RunningHost> {
  const child = spawn(command, args, {
    cwd: projectRoot,
    detached: options.detached ?? false,
    env: {
      ...process.env,
      HELIX_LOCAL_LLM_DIR: dirs.baseDir,
      XDG_CONFIG_HOME: dirs.configHome,
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host printed no URL within 60 s:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const line = output.split('\n').find((l) => l.startsWith('http://'));
      if (!line) return;
      clearTimeout(timer);
      const url = new URL(line.trim());
      resolve({
        url: url.href,
        origin: url.origin,
        token: url.searchParams.get('token') ?? '',
        output: () => output,
        process: child,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with code ${code} before printing a URL:\n${output}`));
    });
  });
}

export function startCliHost(dirs: HostDirs, args: string[] = ['--port', '0']): Promise<RunningHost> {
  return spawnHost(process.execPath, [cliPath, 'serve', ...args], dirs);
}

/** Opens the printed URL as a browser would: trade the token for the cookie, then follow the redirect. */
export async function openPrintedUrl(url: string): Promise<Response> {
  const first = await fetch(url, { redirect: 'manual' });
  const cookie = first.headers.get('set-cookie')?.split(';')[0];
  const location = first.headers.get('location');
  if (first.status !== 302 || !cookie || !location) return first;
  return fetch(new URL(location, url), { headers: { cookie } });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI once against these folders, as a second terminal would; never throws on a non-zero exit. */
export function runCli(dirs: HostDirs, args: string[], extraEnv: NodeJS.ProcessEnv = {}, input = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd: projectRoot, env: { ...process.env, HELIX_LOCAL_LLM_DIR: dirs.baseDir, XDG_CONFIG_HOME: dirs.configHome, ...extraEnv } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    // Piped, as from a script: `input` and then the end, so a command reading stdin never waits on it.
    child.stdin!.end(input);
  });
}
