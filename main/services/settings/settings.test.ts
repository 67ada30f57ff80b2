import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../test/settings-fixture';
import { tempDir } from '../../../test/temp-dir';

const load = loadSettings;

describe('SettingsService', () => {
  it("uses the seed spec's defaults", async () => {
    const { service } = await load();
    expect(service.state().values).toMatchObject({ autoStart: true, startupTimeoutSec: 60, healthIntervalSec: 30, closeToTray: true });
    expect(service.state().sources.healthIntervalSec).toBe('default');
  });

  it('takes defaults from the environment variables, and reports ones that do not parse', async () => {
    const { service } = await load({
      HELIX_LOCAL_LLM_AUTO_START: 'false',
      HELIX_LOCAL_LLM_TIMEOUT: '120',
      HELIX_LOCAL_LLM_HEALTH_INTERVAL: 'soon',
    });
    const state = service.state();
    expect(state.values).toMatchObject({ autoStart: false, startupTimeoutSec: 120, healthIntervalSec: 30 });
    expect(state.sources).toMatchObject({ autoStart: 'env', startupTimeoutSec: 'env', healthIntervalSec: 'default' });
    expect(state.problems).toEqual([
      expect.objectContaining({ origin: 'HELIX_LOCAL_LLM_HEALTH_INTERVAL', message: expect.stringContaining('"soon"') }),
    ]);
  });

  it('saves only what the user changed, atomically, and a saved value beats the environment', async () => {
    const { service, file, configDir } = await load({ HELIX_LOCAL_LLM_TIMEOUT: '120' });
    const changed: unknown[] = [];
    service.on('changed', (s) => changed.push(s));
    const state = await service.update({ healthIntervalSec: 5, startupTimeoutSec: 90 });
    expect(state.values).toMatchObject({ healthIntervalSec: 5, startupTimeoutSec: 90 });
    expect(state.sources).toMatchObject({ healthIntervalSec: 'saved', startupTimeoutSec: 'saved', autoStart: 'default' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ healthIntervalSec: 5, startupTimeoutSec: 90 });
    expect(await readdir(configDir)).toEqual(['settings.json']);
    expect(changed).toHaveLength(1);

    const reloaded = (await load({}, async (dir) => writeFile(path.join(dir, 'settings.json'), await readFile(file)))).service;
    expect(reloaded.state().values.healthIntervalSec).toBe(5);
  });

  it('refuses an install override that git would read as an option, naming the field', async () => {
    const { service, file } = await load();
    await expect(service.update({ providers: { llamacpp: { install: { repository: '--upload-pack=touch /tmp/x' } } } })).rejects.toThrow(
      /repository/,
    );
    await expect(service.update({ providers: { llamacpp: { install: { version: 'v1 --force' } } } })).rejects.toThrow(/version/);
    await service.update({ providers: { llamacpp: { install: { repository: '/srv/mirrors/llama.cpp.git', version: 'b6500' } } } });
    expect(JSON.parse(await readFile(file, 'utf8')).providers.llamacpp.install).toEqual({
      repository: '/srv/mirrors/llama.cpp.git',
      version: 'b6500',
    });
  });

  it('applies concurrent updates one after another without losing either', async () => {
    const { service, file } = await load();
    await Promise.all([service.update({ healthIntervalSec: 3 }), service.update({ autoStart: false })]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ healthIntervalSec: 3, autoStart: false });
  });

  it('keeps a file that is not JSON aside, reports it, and runs on defaults', async () => {
    const { service, configDir } = await load({}, (dir) => writeFile(path.join(dir, 'settings.json'), '{ "healthIntervalSec": 5,'));
    const state = service.state();
    expect(state.values.healthIntervalSec).toBe(30);
    expect(state.problems).toHaveLength(1);
    expect(state.problems[0]!.message).toMatch(/not valid JSON/);
    const aside = (await readdir(configDir)).find((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(path.join(configDir, aside!), 'utf8')).toBe('{ "healthIntervalSec": 5,');
    expect(state.problems[0]!.hint).toContain(aside!);
  });

  it('salvages the valid fields of a file with bad ones, naming each bad field', async () => {
    const original = JSON.stringify({ healthIntervalSec: 0, autoStart: false, colour: 'red' });
    const { service, configDir, file } = await load({}, (dir) => writeFile(path.join(dir, 'settings.json'), original));
    const state = service.state();
    expect(state.values).toMatchObject({ autoStart: false, healthIntervalSec: 30 });
    expect(state.problems[0]!.message).toContain('healthIntervalSec');
    expect(state.problems[0]!.message).toContain('unknown setting "colour"');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ autoStart: false });
    const aside = (await readdir(configDir)).find((f) => f.startsWith('settings.json.corrupt-'));
    expect(await readFile(path.join(configDir, aside!), 'utf8')).toBe(original);
  });

  it('saves a new base directory for the next start, unless the environment pins it', async () => {
    const { service, locationFile } = await load();
    const chosen = path.join(await tempDir(), 'data', 'llm');
    const state = await service.update({ baseDir: chosen });
    expect(state.baseDir.pending).toBe(chosen);
    expect(JSON.parse(await readFile(locationFile, 'utf8'))).toEqual({ baseDir: chosen });

    const pinned = (await load({ HELIX_LOCAL_LLM_DIR: '/somewhere' })).service;
    await expect(pinned.update({ baseDir: chosen })).rejects.toMatchObject({
      code: 'CONFLICT',
      hint: expect.stringContaining('HELIX_LOCAL_LLM_DIR'),
    });
  });

  it('refuses a base directory that is a file, or under one, and saves nothing', async () => {
    const { service, locationFile } = await load();
    const file = path.join(await tempDir(), 'model.gguf');
    await writeFile(file, 'GGUF');
    await expect(service.update({ baseDir: file })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: `${file} cannot be the base directory: it is a file, not a folder.`,
    });
    await expect(service.update({ baseDir: path.join(file, 'llm') })).rejects.toThrow(`${file} is a file, not a folder.`);
    await expect(readFile(locationFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(service.state().baseDir.pending).toBeUndefined();
  });

  it('reports a write failure and keeps the previous values', async () => {
    const { service, configDir } = await load();
    await service.update({ healthIntervalSec: 4 });
    // A file where the folder should be fails for every user, root included.
    await rm(configDir, { recursive: true });
    await writeFile(configDir, 'not a folder');
    const error = await service.update({ healthIntervalSec: 9 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('settings.json') });
    expect(service.state().values.healthIntervalSec).toBe(4);
  });
});
