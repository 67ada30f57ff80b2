import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstallRun } from '../../../shared/install';
import { RecipeSchema, type ProviderRecipe, type RecipeInput } from '../../../shared/recipe';
import { BUILT_IN_DEFAULTS, type ProviderOverride } from '../../../shared/settings';
import { makeProviderRepo } from '../../../test/git-fixture';
import { tempDir } from '../../../test/temp-dir';
import { INSTALL_MARKER } from './install-state';
import { LogService } from '../logs/logs';
import { ensureLayout, pathsFor } from '../base-dir/paths';
import { expandPlaceholders } from '../supervision/placeholders';
import { isRunning } from '../os/process-tree';
import { pickPort } from '../os/ports';
import { Supervisor } from '../supervision/supervisor';
import { Installer } from './installer';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tinyRecipe(overrides: Partial<RecipeInput> = {}): ProviderRecipe {
  return RecipeSchema.parse({
    id: 'tiny',
    name: 'Tiny provider',
    description: 'Built from a local bare repository by the test.',
    homepage: 'https://example.com/tiny',
    repository: 'https://example.com/tiny.git',
    version: 'v1.0',
    defaultPort: 18481,
    api: 'openai',
    platforms: [{ os: 'linux' }, { os: 'darwin' }],
    install: { strategy: 'git', build: [{ name: 'build', argv: ['{node}', 'build.mjs'] }] },
    start: [{ name: 'server', argv: ['{node}', '{dataDir}/dist/server.mjs', '--host', '{host}', '--port', '{port}'] }],
    config: [{ file: 'config.yaml', template: 'port: {port}\nmodels: {modelsDir}\n' }],
    health: { path: '/health', json: { status: 'ok' }, timeoutMs: 500 },
    ...overrides,
  });
}

async function setup(options: { recipe?: ProviderRecipe; override?: ProviderOverride; env?: NodeJS.ProcessEnv; base?: string } = {}) {
  const root = options.base ?? (await tempDir());
  const paths = pathsFor(path.join(root, 'base'));
  await ensureLayout(paths);
  const logs = new LogService({ dir: paths.logs, flushMs: 20 });
  const recipe = options.recipe ?? tinyRecipe();
  let override: ProviderOverride = options.override ?? {};
  const installer = new Installer({
    paths,
    logs,
    recipe: () => recipe,
    override: () => override,
    machine: async () => ({ os: process.platform, arch: process.arch, accelerator: 'none' }),
    isActive: () => false,
    env: { ...process.env, ...options.env },
  });
  await installer.restore();
  const runs: InstallRun[] = [];
  installer.on('run', (r) => runs.push(r));
  cleanups.push(async () => {
    await installer.close();
    await logs.close();
  });
  const settled = async () => {
    const run = installer.get(recipe.id)!;
    while (installer.isBusy(recipe.id)) await new Promise((r) => setTimeout(r, 20));
    return installer.get(recipe.id) ?? run;
  };
  return { root, paths, logs, installer, recipe, runs, settled, setOverride: (o: ProviderOverride) => (override = o) };
}

const dataDir = (paths: { data: string }) => path.join(paths.data, 'tiny');

/** A supervisor on the same base directory, as the manager runs an installed provider; stopped after the test. */
function supervisorOn(paths: ReturnType<typeof pathsFor>, logs: LogService): Supervisor {
  const supervisor = new Supervisor({
    paths,
    logs,
    settings: () => ({ ...BUILT_IN_DEFAULTS, startupTimeoutSec: 15 }),
    expand: expandPlaceholders,
  });
  cleanups.push(() => supervisor.stopAll());
  return supervisor;
}

/** An install whose app quit mid-build (the build hangs until then); the hang is over for whoever resumes. */
async function interruptedInstall() {
  const repo = makeProviderRepo(await tempDir());
  const flag = path.join(await tempDir(), 'hang');
  await writeFile(flag, '');
  const first = await setup({ override: { install: { repository: repo.bare } }, env: { HANG_BUILD: flag } });
  await first.installer.install(['tiny']);
  while (first.installer.get('tiny')!.steps[1]!.status !== 'running') await new Promise((r) => setTimeout(r, 20));
  await first.installer.close();
  await rm(flag);
  return { repo, first };
}

describe('Installer, git strategy, against a local bare repository', () => {
  it('clones at the pinned tag, builds, configures, writes the start script, and the supervisor runs it healthy', async () => {
    const repo = makeProviderRepo(await tempDir());
    const { installer, paths, logs, recipe, runs, settled } = await setup({ override: { install: { repository: repo.bare } } });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status, run.failure?.message).toBe('done');
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ['clone', 'done'],
      ['build-0', 'done'],
      ['configure', 'done'],
      ['scripts', 'done'],
    ]);
    // Progress from git's own output and from the build's "[ 50%]" lines reached the events.
    expect(runs.some((r) => r.steps[1]!.status === 'running' && (r.steps[1]!.percent ?? 0) >= 25 && r.steps[1]!.percent! < 100)).toBe(true);
    expect(existsSync(path.join(dataDir(paths), INSTALL_MARKER))).toBe(true);
    expect(await readFile(path.join(paths.config, 'tiny', 'config.yaml'), 'utf8')).toBe(`port: 18481\nmodels: ${paths.models}\n`);
    const script = await readFile(path.join(paths.bin, 'tiny.sh'), 'utf8');
    expect(script).toContain('PORT="${PORT:-18481}"');
    expect(script).toContain(`'${dataDir(paths)}/dist/server.mjs' '--host' '127.0.0.1' '--port' "$PORT"`);
    expect(await readFile(path.join(paths.logs, 'tiny-install.log'), 'utf8')).toContain('built dist/server.mjs');

    const supervisor = supervisorOn(paths, logs);
    const state = await supervisor.start(recipe);
    expect(state.status).toBe('running');
    expect(await (await fetch(`http://127.0.0.1:${state.port}/health`)).json()).toEqual({ status: 'ok' });
  });

  it('gives bin/<id>.sh the same {model} the supervisor passes: a GGUF from the models folder as its full path', async () => {
    const repo = makeProviderRepo(await tempDir());
    const argv = ['{node}', '{dataDir}/dist/server.mjs', '--host', '{host}', '--port', '{port}', '-m', '{model}'];
    const recipe = tinyRecipe({ modelInput: 'gguf', start: [{ name: 'server', argv }] });
    const override: ProviderOverride = { model: 'tiny.gguf', install: { repository: repo.bare } };
    const { installer, paths, logs, settled } = await setup({ recipe, override });
    await installer.install(['tiny']);
    expect((await settled()).status).toBe('done');
    const modelPath = async (port: number) =>
      ((await (await fetch(`http://127.0.0.1:${port}/props`)).json()) as { model_path: string }).model_path;

    // The supervisor, given the model as the manager passes it (the provider's configured model).
    const supervisor = supervisorOn(paths, logs);
    const state = await supervisor.start(recipe, { model: override.model });
    expect(state.status).toBe('running');
    const bySupervisor = await modelPath(state.port!);
    await supervisor.stop('tiny');

    // The start script, run by hand on the port the supervisor had, without MODEL set.
    const script = spawn('sh', [path.join(paths.bin, 'tiny.sh')], { env: { ...process.env, PORT: String(state.port) }, stdio: 'ignore' });
    cleanups.push(() => script.kill('SIGKILL'));
    let byScript: string | undefined;
    while (byScript === undefined && script.exitCode === null) {
      byScript = await modelPath(state.port!).catch(async () => void (await new Promise((r) => setTimeout(r, 50))));
    }
    expect(bySupervisor).toBe(path.join(paths.models, 'tiny.gguf'));
    expect(byScript).toBe(bySupervisor);
  });

  it('rolls back a failing build: the step, its exit code and the log tail, and nothing left behind', async () => {
    const repo = makeProviderRepo(await tempDir());
    const { installer, paths, settled } = await setup({ override: { install: { repository: repo.bare } }, env: { FAIL_BUILD: '1' } });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status).toBe('failed');
    expect(run.failure).toMatchObject({ step: 'Build: build', exitCode: 3 });
    expect(run.failure!.message).toContain('exited with code 3');
    expect(run.failure!.logTail.join('\n')).toContain('error: the compiler failed on purpose');
    expect(run.failure!.logTail.length).toBeLessThanOrEqual(30);
    expect(existsSync(dataDir(paths))).toBe(false);
    expect(await readdir(path.join(paths.config))).not.toContain('tiny');
    expect(existsSync(path.join(paths.bin, 'tiny.sh'))).toBe(false);
  });

  it('says the disk filled up when a build step hit a full disk, not just its exit code', async () => {
    const repo = makeProviderRepo(await tempDir());
    // dd writing to the kernel's own full disk prints what any build does then: "No space left on device".
    const recipe = tinyRecipe({
      install: { strategy: 'git', build: [{ name: 'build', argv: ['dd', 'if=/dev/zero', 'of=/dev/full', 'bs=1', 'count=1'] }] },
      installEstimate: { diskGiB: 0.5, minutes: 1 },
    });
    const { installer, paths, settled } = await setup({ recipe, override: { install: { repository: repo.bare } } });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status).toBe('failed');
    expect(run.failure!.message).toMatch(
      /exited with code 1\. The disk filled up \("No space left on device"\); after the rollback the disk holding .* has [\d.]+ [KMG]iB free\. Free some space \(the install needs about 0\.5 GB\), then install again\.$/,
    );
    expect(existsSync(dataDir(paths))).toBe(false);
  });

  it('cancels mid-step: the build and its grandchild die, and the provider is as before', async () => {
    const repo = makeProviderRepo(await tempDir());
    const flag = path.join(await tempDir(), 'hang');
    await writeFile(flag, '');
    const { installer, paths, logs, settled } = await setup({
      override: { install: { repository: repo.bare } },
      env: { HANG_BUILD: flag },
    });
    await installer.install(['tiny']);
    let grandchild: number | undefined;
    while (!grandchild) {
      await new Promise((r) => setTimeout(r, 50));
      grandchild =
        Number(
          /grandchild (\d+)/.exec(
            logs
              .tail('tiny-install', 100)
              .map((l) => l.text)
              .join('\n'),
          )?.[1],
        ) || undefined;
    }
    const cancelled = await installer.cancel('tiny');
    expect(cancelled.status).toBe('cancelled');
    expect((await settled()).steps[1]!.status).toBe('cancelled');
    expect(isRunning(grandchild)).toBe(false);
    expect(existsSync(dataDir(paths))).toBe(false);
  });

  it('resumes an install the app did not live to finish, skipping the steps that were done', async () => {
    const { repo, first } = await interruptedInstall();
    const again = await setup({ base: first.root, override: { install: { repository: repo.bare } } });
    const interrupted = again.installer.get('tiny')!;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.steps.map((s) => s.status)).toEqual(['done', 'pending', 'pending', 'pending']);
    expect(existsSync(path.join(dataDir(again.paths), INSTALL_MARKER))).toBe(false);
    await again.installer.resume('tiny');
    const run = await again.settled();
    expect(run.status, run.failure?.message).toBe('done');
    expect(await readFile(path.join(again.paths.logs, 'tiny-install.log'), 'utf8')).not.toMatch(
      /step 1 of 4: Clone[\s\S]*step 1 of 4: Clone/,
    );
    expect(existsSync(path.join(dataDir(again.paths), 'dist', 'server.mjs'))).toBe(true);
  });

  it('rolls back an interrupted install on request', async () => {
    const { first } = await interruptedInstall();
    const again = await setup({ base: first.root });
    expect((await again.installer.rollback('tiny')).status).toBe('rolled-back');
    expect(existsSync(dataDir(again.paths))).toBe(false);
    expect(await readdir(path.join(again.paths.cache, 'install'))).toEqual([]);
  });

  it('updates to a new tag and rebuilds, keeping the config the user edited; uninstall keeps or removes config', async () => {
    const repo = makeProviderRepo(await tempDir());
    const { installer, paths, settled, setOverride } = await setup({ override: { install: { repository: repo.bare } } });
    await installer.install(['tiny']);
    expect((await settled()).status).toBe('done');
    const config = path.join(paths.config, 'tiny', 'config.yaml');
    await writeFile(config, 'port: 9999 # mine\n');

    repo.addVersion('2.0');
    setOverride({ install: { repository: repo.bare, version: 'v2.0' } });
    await installer.update('tiny');
    const run = await settled();
    expect(run.status, run.failure?.message).toBe('done');
    expect(run.steps.map((s) => s.id)).toEqual(['checkout', 'build-0', 'configure', 'scripts']);
    expect(await readFile(path.join(dataDir(paths), 'VERSION'), 'utf8')).toBe('2.0\n');
    expect(await readFile(config, 'utf8')).toBe('port: 9999 # mine\n');
    expect(JSON.parse(await readFile(path.join(dataDir(paths), INSTALL_MARKER), 'utf8'))).toMatchObject({ version: 'v2.0' });

    expect((await installer.uninstall('tiny', { keepConfig: true })).removed).toEqual([dataDir(paths), path.join(paths.bin, 'tiny.sh')]);
    expect(existsSync(config)).toBe(true);
    await installer.install(['tiny']);
    await settled();
    await installer.uninstall('tiny', { keepConfig: false });
    expect(existsSync(path.join(paths.config, 'tiny'))).toBe(false);
  });

  it('pins a commit as well as a tag; an unreachable server fails at once, says to check the network, and tries no full clone', async () => {
    const repo = makeProviderRepo(await tempDir());
    const commit = execFileSync('git', ['-C', repo.bare, 'rev-parse', 'v1.0^{commit}']).toString().trim();
    const pinned = await setup({ override: { install: { repository: repo.bare, version: commit } } });
    await pinned.installer.install(['tiny']);
    expect((await pinned.settled()).status).toBe('done');
    expect(
      execFileSync('git', ['-C', dataDir(pinned.paths), 'rev-parse', 'HEAD'])
        .toString()
        .trim(),
    ).toBe(commit);
    expect(await readFile(path.join(pinned.paths.logs, 'tiny-install.log'), 'utf8')).toContain('cloning in full');

    // Nothing listens on this port: git cannot reach the server at all.
    const port = await pickPort(19990);
    const offline = await setup({ override: { install: { repository: `http://127.0.0.1:${port}/tiny.git`, version: 'v1.0' } } });
    await offline.installer.install(['tiny']);
    expect((await offline.settled()).failure?.message).toMatch(
      new RegExp(`git could not clone http://127\\.0\\.0\\.1:${port}/tiny\\.git at v1\\.0: fatal: unable to access .*Check the network`),
    );
    expect((await offline.settled()).failure?.message).toContain('providers.tiny.install.repository');
    expect(await readFile(path.join(offline.paths.logs, 'tiny-install.log'), 'utf8')).not.toContain('cloning in full');
  });

  it('says clearly when the repository or the version does not exist', async () => {
    const repo = makeProviderRepo(await tempDir());
    const { installer, settled, setOverride } = await setup({
      override: { install: { repository: path.join(repo.bare, '..', 'nope.git') } },
    });
    await installer.install(['tiny']);
    expect((await settled()).failure?.message).toMatch(/git could not clone .*nope\.git/);
    setOverride({ install: { repository: repo.bare, version: 'v9.9' } });
    await installer.install(['tiny']);
    expect((await settled()).failure?.message).toMatch(/at v9\.9/);
  });
});

describe('Installer, python strategy, from a local wheel (no index)', () => {
  it('makes a venv, installs the pinned package, and its entry point runs', async () => {
    const wheels = await tempDir();
    buildWheel(wheels);
    const recipe = tinyRecipe({
      install: { strategy: 'python', packages: ['tinyprov==0.1.0'], python: '>=3.8' },
      start: [{ name: 'server', argv: ['{venvPython}', '-m', 'tinyprov'] }],
      config: [],
    });
    const { installer, paths, settled } = await setup({ recipe, env: { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels } });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status, run.failure?.logTail.join('\n')).toBe('done');
    expect(run.steps.map((s) => s.id)).toEqual(['venv', 'packages', 'scripts']);
    const entry = path.join(dataDir(paths), 'venv', 'bin', 'tinyprov');
    expect(execFileSync(entry).toString().trim()).toBe('tinyprov 0.1.0 ok');
  });

  it('refuses a Python older than the recipe needs, naming both versions', async () => {
    const recipe = tinyRecipe({ install: { strategy: 'python', packages: ['x==1'], python: '>=9.0' }, config: [] });
    const { installer, settled } = await setup({ recipe });
    await installer.install(['tiny']);
    expect((await settled()).failure?.message).toMatch(/python3 3\.\d+\.\d+ found, >=9\.0 needed/);
  });
});

describe('Installer, binary strategy, from a local HTTP server', () => {
  async function serveArchive() {
    const src = await tempDir();
    await mkdir(path.join(src, 'tiny-1.0', 'bin'), { recursive: true });
    await writeFile(path.join(src, 'tiny-1.0', 'bin', 'tiny'), '#!/bin/sh\necho tiny binary ok\n');
    // Incompressible bulk, so the download takes long enough to report progress on the way.
    await writeFile(path.join(src, 'tiny-1.0', 'data.bin'), randomBytes(256 * 1024));
    const archive = path.join(src, 'tiny.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: src }, ['tiny-1.0']);
    const body = await readFile(archive);
    const server: Server = createServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Length': body.length });
      // Slow enough for progress events.
      for (let i = 0; i < body.length; i += 4096) {
        res.write(body.subarray(i, i + 4096));
        await new Promise((r) => setTimeout(r, 10));
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/releases/tiny.tar.gz`;
    return { url, sha256: createHash('sha256').update(body).digest('hex') };
  }

  const binaryRecipe = (url: string, sha256: string | null | undefined) =>
    tinyRecipe({
      install: {
        strategy: 'binary',
        assets: [
          { os: process.platform as 'linux', arch: process.arch as 'x64', url, sha256, archive: 'tar.gz', executable: 'tiny-1.0/bin/tiny' },
        ],
      },
      start: [{ name: 'server', argv: ['{dataDir}/tiny-1.0/bin/tiny'] }],
      config: [],
    });

  it('downloads with progress, checks the sha256, unpacks, and the program runs', async () => {
    const { url, sha256 } = await serveArchive();
    const { installer, paths, runs, settled } = await setup({ recipe: binaryRecipe(url, sha256) });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status, run.failure?.message).toBe('done');
    expect(runs.some((r) => r.steps[0]!.status === 'running' && (r.steps[0]!.percent ?? 0) > 0)).toBe(true);
    expect(execFileSync(path.join(dataDir(paths), 'tiny-1.0', 'bin', 'tiny')).toString()).toBe('tiny binary ok\n');
    expect(await readdir(path.join(paths.cache, 'install'))).toEqual([]);
  });

  it('rejects a checksum mismatch and removes the file', async () => {
    const { url } = await serveArchive();
    const { installer, paths, settled } = await setup({ recipe: binaryRecipe(url, 'f'.repeat(64)) });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status).toBe('failed');
    expect(run.failure?.message).toMatch(/Checksum mismatch .* expected f{64}, got [a-f0-9]{64}/);
    expect(await readdir(path.join(paths.cache, 'install'))).toEqual([]);
    expect(existsSync(dataDir(paths))).toBe(false);
  });

  it('refuses a download with no known checksum before fetching anything, and takes the sha256 from settings', async () => {
    const { url, sha256 } = await serveArchive();
    const { installer, paths, settled, setOverride } = await setup({ recipe: binaryRecipe(url, null) });
    const refused = await installer.install(['tiny']).then(
      () => undefined,
      (error: Error & { hint?: string }) => error,
    );
    expect(refused?.message).toContain(`No pinned checksum for Tiny provider v1.0's ${process.platform}/${process.arch} download (${url})`);
    expect(refused?.hint).toContain('providers.tiny.install.sha256');
    expect(installer.get('tiny')).toBeUndefined();

    setOverride({ install: { sha256: sha256.toUpperCase() } });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status, run.failure?.message).toBe('done');
    expect(execFileSync(path.join(dataDir(paths), 'tiny-1.0', 'bin', 'tiny')).toString()).toBe('tiny binary ok\n');
  });

  it('refuses a plain-http download that has no sha256 to check it', async () => {
    const { url } = await serveArchive();
    const { installer, paths, settled } = await setup({ recipe: binaryRecipe(url, undefined) });
    await installer.install(['tiny']);
    const run = await settled();
    expect(run.status).toBe('failed');
    expect(run.failure?.message).toContain(`Refused to download ${url}: it is plain HTTP and no sha256 was given`);
    expect(run.failure?.message).toContain('https://');
    expect(existsSync(dataDir(paths))).toBe(false);
  });
});

/** A real wheel, made with Python's zipfile (no setuptools, no index): module, entry point, metadata. */
function buildWheel(dir: string): void {
  const script = String.raw`
import base64, hashlib, sys, zipfile
out = sys.argv[1] + "/tinyprov-0.1.0-py3-none-any.whl"
files = {
  "tinyprov/__init__.py": "def main():\n    print('tinyprov 0.1.0 ok')\n",
  "tinyprov/__main__.py": "from tinyprov import main\nmain()\n",
  "tinyprov-0.1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinyprov\nVersion: 0.1.0\n",
  "tinyprov-0.1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  "tinyprov-0.1.0.dist-info/entry_points.txt": "[console_scripts]\ntinyprov = tinyprov:main\n",
}
record = []
with zipfile.ZipFile(out, "w") as z:
  for name, text in files.items():
    data = text.encode()
    z.writestr(name, data)
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{name},sha256={digest},{len(data)}")
  record.append("tinyprov-0.1.0.dist-info/RECORD,,")
  z.writestr("tinyprov-0.1.0.dist-info/RECORD", "\n".join(record) + "\n")
`;
  execFileSync('python3', ['-c', script, dir]);
}

describe('Installer queue', () => {
  it('installs one at a time, and a queued install cancels at once without waiting for the one before', async () => {
    const repo = makeProviderRepo(await tempDir());
    const flag = path.join(await tempDir(), 'hang');
    await writeFile(flag, '');
    const recipes = { tiny: tinyRecipe(), other: tinyRecipe({ id: 'other', name: 'Other provider' }) };
    const root = await tempDir();
    const paths = pathsFor(path.join(root, 'base'));
    await ensureLayout(paths);
    const logs = new LogService({ dir: paths.logs, flushMs: 20 });
    const installer = new Installer({
      paths,
      logs,
      recipe: (id) => recipes[id as keyof typeof recipes],
      override: () => ({ install: { repository: repo.bare } }),
      machine: async () => ({ os: process.platform, arch: process.arch, accelerator: 'none' }),
      isActive: () => false,
      env: { ...process.env, HANG_BUILD: flag },
    });
    cleanups.push(async () => {
      await installer.close();
      await logs.close();
    });
    const [first, second] = await installer.install(['tiny', 'other']);
    expect([first!.status, second!.status]).toEqual(['queued', 'queued']);
    while (installer.get('tiny')!.steps[1]!.status !== 'running') await new Promise((r) => setTimeout(r, 20));
    expect(installer.get('other')!.status).toBe('queued');
    await expect(installer.install(['tiny'])).rejects.toThrow(/already being installed/);
    expect((await installer.cancel('other')).status).toBe('cancelled');
    expect(installer.get('tiny')!.status).toBe('running');
    expect((await installer.cancel('tiny')).status).toBe('cancelled');
  });
});
