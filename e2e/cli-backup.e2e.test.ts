import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pickPort } from '../main/services/os/ports';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { freshDirs, runCli, startCliHost, writeSettings, type HostDirs, type RunningHost } from './support/host-process';

const GOOD_RECIPE = path.join(import.meta.dirname, '..', 'main', 'services', 'catalog', 'fixtures', 'recipes', 'good.yaml');

/** Every file under a folder with its bytes (base64), by relative path. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[path.relative(dir, path.join(entry.parentPath, entry.name))] = (await readFile(path.join(entry.parentPath, entry.name))).toString(
        'base64',
      );
  }
  return out;
}

async function fillConfig(dirs: HostDirs): Promise<string> {
  // The gateway on any free port: another test (or the user's own) may hold 8400.
  await writeSettings(dirs, { gateway: { port: 0 }, healthIntervalSec: 17 });
  const config = path.join(dirs.baseDir, 'config');
  await mkdir(path.join(config, 'providers.d'), { recursive: true });
  await mkdir(path.join(config, 'vllm'), { recursive: true });
  await writeFile(path.join(config, 'providers.d', 'good.yaml'), await readFile(GOOD_RECIPE));
  await writeFile(path.join(config, 'vllm', 'config.yaml'), '# mine\nserver:\n  port: 8000\n');
  await writeFile(path.join(config, 'keys.json'), '{"version":1,"secrets":{"provider:vllm":"sk-never-in-a-backup"}}', { mode: 0o600 });
  return config;
}

let host: RunningHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('backup, restore and export from the CLI (real processes)', () => {
  it('backup → wipe → restore round-trips config/ byte for byte with no host; refuses a bad archive and unconfirmed restores; usage errors exit 2', async () => {
    const dirs = await freshDirs();
    const config = await fillConfig(dirs);
    const before = await snapshot(config);
    const archive = path.join(path.dirname(dirs.baseDir), 'backup.tar.gz');

    const made = await runCli(dirs, ['backup', archive, '--json']);
    expect([made.code, made.stderr]).toEqual([0, '']);
    const created = JSON.parse(made.stdout);
    expect(created.file).toBe(archive);
    expect(created.data).toBeUndefined();
    expect((await readFile(archive)).includes('sk-never-in-a-backup')).toBe(false);
    expect(created.manifest.files.map((f: { path: string }) => f.path)).toEqual([
      'config/providers.d/good.yaml',
      'config/settings.json',
      'config/vllm/config.yaml',
    ]);

    // Wipe everything but the keys (a restore never writes them).
    for (const name of await readdir(config)) if (name !== 'keys.json') await rm(path.join(config, name), { recursive: true });
    const unconfirmed = await runCli(dirs, ['restore', archive]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stdout).toContain('+ add     config/settings.json');
    expect(unconfirmed.stdout).toContain('Not restored: run again with --yes');
    expect(await readdir(config)).toEqual(['keys.json']);

    const restored = await runCli(dirs, ['restore', archive, '--yes']);
    expect([restored.code, restored.stderr]).toEqual([0, '']);
    expect(restored.stdout).toContain('Restored 3 file(s) into config/.');
    expect(await snapshot(config)).toEqual(before);

    const bogus = path.join(path.dirname(dirs.baseDir), 'bogus.tar.gz');
    await writeFile(bogus, 'not an archive');
    const refused = await runCli(dirs, ['restore', bogus, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The file is not a .tar.gz archive.');
    expect(await snapshot(config)).toEqual(before);

    for (const args of [
      ['restore'],
      ['export'],
      ['export', 'helixcode', '--write'],
      ['backup', 'a', 'b'],
      ['backup', '--include', 'secrets'],
      ['serve', '--log-level', 'loud'],
    ]) {
      const bad = await runCli(dirs, args);
      expect([args, bad.code]).toEqual([args, 2]);
    }
    for (const name of ['backup', 'restore', 'export']) {
      const help = await runCli(dirs, [name, '--help']);
      expect([help.code, help.stdout]).toEqual([0, expect.stringContaining(`Usage: local-llm-manager ${name}`)]);
    }
  });

  it('backup --include logs,data,models puts them in and restore brings them back, keeping a different file aside', async () => {
    const dirs = await freshDirs();
    await fillConfig(dirs);
    const logs = path.join(dirs.baseDir, 'logs');
    const models = path.join(dirs.baseDir, 'models');
    await mkdir(logs, { recursive: true });
    await mkdir(path.join(models, 'org'), { recursive: true });
    await writeFile(path.join(logs, 'vllm.log'), 'started\n');
    await writeFile(path.join(models, 'org', 'm.gguf'), Buffer.alloc(2 * 1024 * 1024, 3));
    const archive = path.join(path.dirname(dirs.baseDir), 'with-models.tar.gz');
    const made = await runCli(dirs, ['backup', archive, '--include', 'logs,data,models']);
    expect([made.code, made.stderr]).toEqual([0, '']);
    expect(made.stdout).toContain('Backed up config/, logs/, data/, models/');
    await rm(logs, { recursive: true });
    await writeFile(path.join(models, 'org', 'm.gguf'), 'other');
    const restored = await runCli(dirs, ['restore', archive, '--yes']);
    expect([restored.code, restored.stderr]).toEqual([0, '']);
    expect(restored.stdout).toContain('~ replace models/org/m.gguf');
    expect(restored.stdout).toMatch(/What it replaced is in .*models\.before-restore-/);
    expect(await readFile(path.join(logs, 'vllm.log'), 'utf8')).toBe('started\n');
    expect((await readFile(path.join(models, 'org', 'm.gguf'))).equals(Buffer.alloc(2 * 1024 * 1024, 3))).toBe(true);
  });

  it('with a host running: backup and restore go through it, export merges into config.yaml keeping its comments, --log-level debug logs requests', async () => {
    const dirs = await freshDirs();
    const config = await fillConfig(dirs);
    host = await startCliHost(dirs, ['--port', '0', '--log-level', 'debug']);
    const archive = path.join(path.dirname(dirs.baseDir), 'through-host.tar.gz');
    const made = await runCli(dirs, ['backup', archive]);
    expect([made.code, made.stderr]).toEqual([0, '']);
    expect(made.stdout).toContain(`Backed up config/ (3 files,`);

    await writeFile(path.join(config, 'vllm', 'config.yaml'), 'changed\n');
    const restored = await runCli(dirs, ['restore', archive, '--yes', '--json']);
    expect(restored.code).toBe(0);
    const result = JSON.parse(restored.stdout);
    expect(result.files).toContainEqual({ path: 'vllm/config.yaml', change: 'replace' });
    expect(await readFile(path.join(config, 'vllm', 'config.yaml'), 'utf8')).toBe('# mine\nserver:\n  port: 8000\n');
    expect(await readFile(path.join(result.keptAside, 'vllm', 'config.yaml'), 'utf8')).toBe('changed\n');

    const helix = path.join(path.dirname(dirs.baseDir), 'helix', 'config.yaml');
    await mkdir(path.dirname(helix), { recursive: true });
    const original =
      '# HelixCode\nserver:\n  port: 9090 # web\n\nllm:\n  default_provider: "local"\n  providers:\n    openai: ""\n    local_auto_discovery: true\n';
    await writeFile(helix, original);
    const preview = await runCli(dirs, ['export', 'helixcode']);
    expect(preview.code).toBe(0);
    expect(parse(preview.stdout).llm.providers.local_llm_gateway).toMatchObject({ type: 'openai', enabled: true });
    const written = await runCli(dirs, ['export', 'helixcode', '--write', helix]);
    expect(written.code).toBe(0);
    const text = await readFile(helix, 'utf8');
    expect(text.startsWith(original)).toBe(true);
    const data = parse(text);
    expect(data.llm.providers.engine).toMatchObject({ type: 'engine', enabled: false });
    expect(data.llm.providers.local_llm_gateway.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await readFile(`${helix}.before-export-${written.stdout.match(/before-export-([^)]+)\)/)![1]}`, 'utf8')).toBe(original);

    const log = await readFile(path.join(dirs.baseDir, 'logs', 'app.log'), 'utf8');
    expect(log).toMatch(/DEBUG pid \d+: request backup\.restore from ws/);
    expect(log).toContain('config/ restored from a backup');
  });

  it('with a provider running: export enables it with its models; restore is refused and changes nothing; once stopped it restores', async () => {
    const dirs = await freshDirs();
    await fillConfig(dirs);
    await writeStandInRecipe(dirs.baseDir, { port: await pickPort(19850) });
    host = await startCliHost(dirs);
    const archive = path.join(path.dirname(dirs.baseDir), 'with-standin.tar.gz');
    const made = await runCli(dirs, ['backup', archive, '--json']);
    const manifest = JSON.parse(made.stdout).manifest;
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['config/providers.d/standin.yaml', 'config/trusted-recipes.json']),
    );

    expect((await runCli(dirs, ['start', 'standin'])).code).toBe(0);
    const exported = await runCli(dirs, ['export', 'helixcode', '--json']);
    const entries = JSON.parse(exported.stdout).entries as { key: string; enabled: boolean; endpoint: string; models: string[] }[];
    const standin = entries.find((e) => e.key === 'standin')!;
    expect(standin).toMatchObject({ enabled: true, endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(standin.models.length).toBeGreaterThan(0);
    expect(entries.find((e) => e.key === 'local_llm_gateway')?.models).toEqual(expect.arrayContaining(standin.models));

    const config = path.join(dirs.baseDir, 'config');
    const before = await snapshot(config);
    const refused = await runCli(dirs, ['restore', archive, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Not restored: Stand-in llama-server is running');
    expect(refused.stderr).toContain('Stop the providers');
    expect(await snapshot(config)).toEqual(before);

    expect((await runCli(dirs, ['stop', 'standin'])).code).toBe(0);
    const restored = await runCli(dirs, ['restore', archive, '--yes']);
    expect([restored.code, restored.stderr]).toEqual([0, '']);
  });
});
