import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../../shared/recipe';
import { tempDir } from '../../../test/temp-dir';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { pathsFor, type Paths } from '../base-dir/paths';
import { INSTALL_MARKER } from '../installer/install-state';
import { BackupService } from './backup-service';
import type { Archive } from './read-archive';
import { checkRoom } from './restore-extras';

const recipes = BUILTIN_RECIPES.map((r) => RecipeSchema.parse(r));
const GOOD_RECIPE = path.join(import.meta.dirname, '../catalog/fixtures/recipes/good.yaml');

async function base(): Promise<Paths> {
  const paths = pathsFor(await tempDir());
  await mkdir(path.join(paths.config, 'providers.d'), { recursive: true });
  await mkdir(path.join(paths.config, 'vllm'), { recursive: true });
  await mkdir(path.join(paths.config, 'empty-one'), { recursive: true });
  await writeFile(paths.settingsFile, `${JSON.stringify({ autoStart: false, healthIntervalSec: 12 }, null, 2)}\n`);
  await writeFile(path.join(paths.config, 'providers.d', 'good.yaml'), await readFile(GOOD_RECIPE));
  await writeFile(path.join(paths.config, 'vllm', 'config.yaml'), '# my own comment\nserver:\n  port: 8000\n');
  await writeFile(path.join(paths.config, 'trusted-recipes.json'), '{"version":1,"recipes":{}}\n');
  // Never in a backup, never touched by a restore.
  await writeFile(path.join(paths.config, 'keys.json'), '{"secret":"sk-do-not-leak"}');
  await writeFile(path.join(paths.config, 'session.json'), '["vllm"]');
  await mkdir(path.join(paths.data, 'vllm'), { recursive: true });
  await writeFile(
    path.join(paths.data, 'vllm', INSTALL_MARKER),
    JSON.stringify({ version: 'v0.6.3', installedAt: '2026-11-01T00:00:00.000Z' }),
  );
  return paths;
}

const service = (paths: Paths, extra: Partial<ConstructorParameters<typeof BackupService>[0]> = {}) =>
  new BackupService({
    paths,
    app: { name: 'Local LLM Manager', version: '0.1.0' },
    recipes: () => recipes,
    builtins: BUILTIN_RECIPES,
    ...extra,
  });

/** Every file under a folder, by relative path, with its bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = (await readFile(full)).toString('base64');
  }
  return out;
}

/** A .tar.gz of the given entries (path → text), made the way an attacker or a damaged copy would. */
async function craft(entries: Record<string, string>): Promise<Buffer> {
  const dir = await tempDir();
  const names: string[] = [];
  for (const [name, text] of Object.entries(entries)) {
    await mkdir(path.dirname(path.join(dir, 'x', name)), { recursive: true });
    await writeFile(path.join(dir, 'x', name), text);
    names.push(name);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of tar.create({ cwd: path.join(dir, 'x'), gzip: true, portable: true }, names)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('backup and restore', () => {
  it('backup → wipe config → restore gives back every file byte for byte; keys and the session stay out', async () => {
    const paths = await base();
    const before = await snapshot(paths.config);
    const backups = service(paths);
    const created = await backups.create({ file: path.join(paths.base, 'b.tar.gz') });
    expect(created.manifest.providers).toEqual([{ id: 'vllm', version: 'v0.6.3', installedAt: '2026-11-01T00:00:00.000Z' }]);
    expect(created.manifest.files.map((f) => f.path)).toEqual([
      'config/providers.d/good.yaml',
      'config/settings.json',
      'config/trusted-recipes.json',
      'config/vllm/config.yaml',
    ]);
    expect(created.manifest.dirs).toEqual(['config/empty-one']);
    expect(created.manifest.includes).toMatchObject({ secrets: false, models: false });
    expect((await readFile(created.file!)).includes(Buffer.from('sk-do-not-leak'))).toBe(false);

    // Wipe: everything but the keys (which a restore leaves where they are).
    for (const name of await readdir(paths.config)) if (name !== 'keys.json') await rm(path.join(paths.config, name), { recursive: true });
    let reloaded = 0;
    const restored = await service(paths, { afterRestore: async () => void reloaded++ }).restore({ file: created.file! });
    expect(reloaded).toBe(1);
    expect(restored.keptAside).toBeUndefined();
    expect(restored.files.every((f) => f.change === 'add')).toBe(true);
    const after = await snapshot(paths.config);
    const { ['session.json']: _session, ...expected } = before;
    expect(after).toEqual(expected);
    expect((await readdir(paths.config, { withFileTypes: true })).some((d) => d.name === 'empty-one' && d.isDirectory())).toBe(true);
  });

  it('keeps what it replaces or removes aside, and says which confirmed recipes and installs come back', async () => {
    const paths = await base();
    const created = await service(paths).create();
    await writeFile(paths.settingsFile, '{"autoStart": true}\n');
    await writeFile(path.join(paths.config, 'added-later.txt'), 'mine');
    await rm(path.join(paths.data, 'vllm'), { recursive: true });
    const plan = await service(paths).inspect({ data: created.data! });
    expect(plan.files).toContainEqual({ path: 'settings.json', change: 'replace' });
    expect(plan.files).toContainEqual({ path: 'added-later.txt', change: 'remove' });
    expect(plan.toInstall).toEqual(['vllm']);
    const restored = await service(paths).restore({ data: created.data! });
    expect(restored.keptAside).toMatch(/config\.before-restore-/);
    expect(await readFile(path.join(restored.keptAside!, 'settings.json'), 'utf8')).toBe('{"autoStart": true}\n');
    expect(await readFile(path.join(restored.keptAside!, 'added-later.txt'), 'utf8')).toBe('mine');
    expect(await readdir(paths.config)).not.toContain('added-later.txt');
    expect(await readFile(path.join(paths.config, 'keys.json'), 'utf8')).toContain('sk-do-not-leak');
  });

  it.each([
    ['a path out of config/', { 'manifest.json': '{}', 'config/../../evil.txt': 'x' }, /outside the config folder/],
    ['a file outside config/', { 'manifest.json': '{}', 'bin/evil.sh': 'x' }, /not under config\//],
    ['no manifest', { 'config/settings.json': '{}' }, /no manifest\.json/],
    ['API keys', { 'manifest.json': '{}', 'config/keys.json': '{}' }, /never carries/],
  ])('refuses an archive with %s and changes nothing', async (_name, entries, message) => {
    const paths = await base();
    const before = await snapshot(paths.base);
    // tar strips ".." when packing from disk, so the traversal entry is written by hand.
    const archive = await craft(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k.replace('../../', 'DOTDO/'), v])));
    const patched = Object.keys(entries).some((k) => k.includes('..'))
      ? patchPath(archive, 'config/DOTDO/evil.txt', 'config/../../evil.txt')
      : archive;
    await expect(service(paths).restore({ data: (await patched).toString('base64') })).rejects.toThrow(message);
    expect(await snapshot(paths.base)).toEqual(before);
  });

  it('refuses bad settings, a bad recipe, or a file changed after the backup, naming it, and changes nothing', async () => {
    const paths = await base();
    await writeFile(paths.settingsFile, '{"healthIntervalSec": -5}\n');
    const bad = await service(paths).create();
    expect(bad.warnings.join(' ')).toMatch(/healthIntervalSec/);
    await writeFile(paths.settingsFile, '{"autoStart": true}\n');
    const before = await snapshot(paths.base);
    await expect(service(paths).restore({ data: bad.data! })).rejects.toThrow(/config\/settings\.json: healthIntervalSec/);
    await writeFile(path.join(paths.config, 'providers.d', 'broken.yaml'), 'id: broken\nname: [unclosed\n');
    const badRecipe = await service(paths).create();
    await rm(path.join(paths.config, 'providers.d', 'broken.yaml'));
    await expect(service(paths).inspect({ data: badRecipe.data! })).rejects.toThrow(/providers\.d\/broken\.yaml/);
    expect(await snapshot(paths.base)).toEqual(before);
  });

  it('refuses while providers run, and a file it cannot write leaves config/ as it was', async () => {
    const paths = await base();
    const created = await service(paths).create();
    await expect(service(paths, { busy: () => ['vllm is running'] }).restore({ data: created.data! })).rejects.toThrow(/vllm is running/);
    if (process.getuid?.() === 0) return; // root writes anywhere
    await writeFile(paths.settingsFile, '{"autoStart": true}\n');
    await rm(path.join(paths.config, 'vllm'), { recursive: true });
    await mkdir(path.join(paths.config, 'vllm'));
    await chmod(path.join(paths.config, 'vllm'), 0o500);
    const before = await snapshot(paths.config);
    await expect(service(paths).restore({ data: created.data! })).rejects.toThrow(/put back/);
    expect(await snapshot(paths.config)).toEqual(before);
    await chmod(path.join(paths.config, 'vllm'), 0o700);
  });

  it('a folder named as the file gets a dated backup inside it; a link writes the file it points to', async () => {
    const paths = await base();
    const out = await tempDir();
    const intoFolder = await service(paths).create({ file: out });
    expect(path.dirname(intoFolder.file!)).toBe(out);
    expect(path.basename(intoFolder.file!)).toMatch(/^local-llm-backup-.+\.tar\.gz$/);
    expect((await lstat(out)).isDirectory()).toBe(true);
    const inspected = await service(paths).inspect({ file: intoFolder.file! });
    expect(inspected.files.map((f) => f.path)).toContain('settings.json');

    const real = path.join(out, 'real.tar.gz');
    await writeFile(real, 'old');
    await symlink(real, path.join(out, 'latest.tar.gz'));
    const viaLink = await service(paths).create({ file: path.join(out, 'latest.tar.gz') });
    expect(viaLink.file).toBe(real);
    expect((await lstat(path.join(out, 'latest.tar.gz'))).isSymbolicLink()).toBe(true);
    expect((await readFile(real)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip
  });

  it('refuses a pipe or device rather than replacing it, and names a folder that does not exist', async () => {
    const paths = await base();
    const out = await tempDir();
    const fifo = path.join(out, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(service(paths).create({ file: fifo })).rejects.toThrow(
      `${fifo} is a named pipe, not a file: writing there would replace it.`,
    );
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(out)).toEqual(['pipe']);

    const nowhere = path.join(out, 'no-such-folder', 'b.tar.gz');
    await expect(service(paths).create({ file: nowhere })).rejects.toThrow(`The folder ${path.dirname(nowhere)} does not exist.`);
    await expect(service(paths).create({ file: path.join(fifo, 'b.tar.gz') })).rejects.toThrow(`${fifo} is not a folder`);
    await symlink(path.join(out, 'gone'), path.join(out, 'dangling'));
    await expect(service(paths).create({ file: path.join(out, 'dangling') })).rejects.toThrow('is a link to nothing');
    expect((await readdir(out)).sort()).toEqual(['dangling', 'pipe']);
  });
});

describe('backup and restore of logs, data and models when asked', () => {
  async function withExtras(): Promise<Paths> {
    const paths = await base();
    await mkdir(path.join(paths.logs, 'providers'), { recursive: true });
    await writeFile(path.join(paths.logs, 'app.log'), 'line one\nline two\n');
    await writeFile(path.join(paths.logs, 'providers', 'vllm.log'), Buffer.from([0, 1, 2, 255, 254]));
    await writeFile(path.join(paths.data, 'vllm', 'state.bin'), Buffer.alloc(70_000, 7));
    await writeFile(path.join(paths.data, 'vllm', 'install.lock'), 'pid 1');
    return paths;
  }

  it('the default backup leaves them out', async () => {
    const paths = await withExtras();
    const created = await service(paths).create({ file: path.join(paths.base, 'b.tar.gz') });
    expect(created.manifest.includes).toMatchObject({ config: true, logs: false, data: false, models: false });
    expect(created.manifest.files.every((f) => f.path.startsWith('config/'))).toBe(true);
  });

  it('logs and data round-trip byte for byte through backup → wipe → restore; lock files stay out', async () => {
    const paths = await withExtras();
    const logs = await snapshot(paths.logs);
    const { ['vllm/install.lock']: _lock, ...data } = await snapshot(paths.data);
    const created = await service(paths).create({ file: path.join(paths.base, 'b.tar.gz'), include: ['logs', 'data'] });
    expect(created.manifest.includes).toMatchObject({ logs: true, data: true, models: false });
    expect(created.manifest.files.map((f) => f.path)).toContain('logs/providers/vllm.log');
    expect(created.manifest.files.map((f) => f.path)).not.toContain('data/vllm/install.lock');
    await rm(paths.logs, { recursive: true });
    await rm(paths.data, { recursive: true });
    const restored = await service(paths).restore({ file: created.file! });
    expect(restored.extrasKeptAside).toBeUndefined();
    expect(await snapshot(paths.logs)).toEqual(logs);
    expect(await snapshot(paths.data)).toEqual(data);
    expect((await readdir(paths.base)).filter((n) => n.startsWith('.restore-staging'))).toEqual([]);
  });

  it('a models file of a few MB round-trips; one that differs here is kept aside first', async () => {
    const paths = await withExtras();
    const model = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < model.length; i += 4) model.writeUInt32LE((i * 2654435761) >>> 0, i);
    await mkdir(path.join(paths.models, 'org'), { recursive: true });
    await writeFile(path.join(paths.models, 'org', 'model.gguf'), model);
    await writeFile(path.join(paths.models, 'org', 'other.gguf.part'), 'half');
    const created = await service(paths).create({ file: path.join(paths.base, 'm.tar.gz'), include: ['models'] });
    expect(created.manifest.files.map((f) => f.path).filter((p) => p.startsWith('models/'))).toEqual(['models/org/model.gguf']);
    await writeFile(path.join(paths.models, 'org', 'model.gguf'), 'a different file');
    const plan = await service(paths).inspect({ file: created.file! });
    expect(plan.extraFiles).toEqual([{ path: 'models/org/model.gguf', change: 'replace' }]);
    const restored = await service(paths).restore({ file: created.file! });
    expect((await readFile(path.join(paths.models, 'org', 'model.gguf'))).equals(model)).toBe(true);
    expect(restored.extrasKeptAside).toHaveLength(1);
    expect(restored.extrasKeptAside![0]).toMatch(/models\.before-restore-/);
    expect(await readFile(path.join(restored.extrasKeptAside![0]!, 'org', 'model.gguf'), 'utf8')).toBe('a different file');
  });

  it('refuses an archive path escaping models/ and changes nothing', async () => {
    const paths = await withExtras();
    const before = await snapshot(paths.base);
    const archive = await craft({ 'manifest.json': '{}', 'models/DOTDO/evil.txt': 'x' });
    const patched = await patchPath(archive, 'models/DOTDO/evil.txt', 'models/../../evil.txt');
    await expect(service(paths).restore({ data: patched.toString('base64') })).rejects.toThrow(
      /outside the config folder or its own folder/,
    );
    expect(await snapshot(paths.base)).toEqual(before);
  });

  it('refuses a logs/ file the manifest does not include, changing nothing', async () => {
    const paths = await withExtras();
    const created = await service(paths).create({ file: path.join(paths.base, 'l.tar.gz'), include: ['logs'] });
    const before = await snapshot(paths.base);
    const plan = await service(paths).inspect({ file: created.file! });
    expect(plan.extraFiles?.every((f) => f.change === 'same')).toBe(true);
    const { manifest } = created;
    const lying = await craft({
      'manifest.json': JSON.stringify({ ...manifest, includes: { ...manifest.includes, logs: false } }),
      'logs/x.log': 'x',
    });
    await expect(service(paths).restore({ data: lying.toString('base64') })).rejects.toThrow(/not included/);
    expect(await snapshot(paths.base)).toEqual(before);
  });

  it('refuses, before unpacking, what the disk has no room for', async () => {
    const paths = await withExtras();
    const archive = { extras: new Map([['models/huge.gguf', { size: 2 ** 60, sha256: 'a'.repeat(64) }]]) } as unknown as Archive;
    await expect(checkRoom(paths.base, archive)).rejects.toThrow(/need .* GiB and the disk of .* has .* GiB free/);
  });
});

/** Renames one entry inside a .tar.gz (same length, so the header's checksum is all that changes). */
async function patchPath(archive: Buffer, from: string, to: string): Promise<Buffer> {
  const { gunzipSync, gzipSync } = await import('node:zlib');
  const raw = gunzipSync(archive);
  const at = raw.indexOf(Buffer.from(from));
  if (at < 0 || from.length !== to.length) throw new Error('cannot patch');
  raw.write(to, at);
  const header = raw.subarray(at - (at % 512), at - (at % 512) + 512);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return gzipSync(raw);
}
