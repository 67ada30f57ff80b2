import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../../shared/contract';
import { RpcClient } from '../../../shared/rpc/client';
import { createMemoryPair } from '../../../shared/rpc/memory';
import { RpcServer } from '../../../shared/rpc/server';
import type { SettingsState } from '../../../shared/settings';
import { loadSettings } from '../../../test/settings-fixture';
import type { SettingsService } from './settings';

/** The settings part of the real contract, served by a real SettingsService. */
const settingsContract = {
  requests: { 'settings.get': contract.requests['settings.get'], 'settings.update': contract.requests['settings.update'] },
  events: { 'settings.changed': contract.events['settings.changed'] },
};

/** Two clients (two browser tabs) on one host, each over its own connection. */
function twoClients(service: SettingsService) {
  const server = new RpcServer(settingsContract, {
    'settings.get': () => service.state(),
    'settings.update': (patch) => service.update(patch),
  });
  service.on('changed', (state) => server.emit('settings.changed', state));
  return ['a', 'b'].map((id) => {
    const [clientSide, serverSide] = createMemoryPair();
    server.connect(serverSide, { via: 'memory', connectionId: id });
    return new RpcClient<typeof settingsContract>(clientSide, { timeoutMs: 5_000 });
  }) as [RpcClient<typeof settingsContract>, RpcClient<typeof settingsContract>];
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

function nextChange(service: SettingsService): Promise<SettingsState> {
  return new Promise((resolve) => service.once('changed', resolve));
}

describe('two stale settings writers', () => {
  it('keeps both changes when two tabs that read the same revision change different providers', async () => {
    const { service, file } = await loadSettings();
    const [a, b] = twoClients(service);
    const [seenByA, seenByB] = await Promise.all([a.invoke('settings.get'), b.invoke('settings.get')]);
    expect(seenByA.revision).toBe(seenByB.revision);

    const afterA = await a.invoke('settings.update', { providers: { llamacpp: { port: 9001 } }, baseRevision: seenByA.revision });
    expect(afterA.revision).toBeGreaterThan(seenByA.revision);
    const afterB = await b.invoke('settings.update', { providers: { ollama: { model: 'qwen2.5:0.5b' } }, baseRevision: seenByB.revision });

    expect(afterB.values.providers).toEqual({ llamacpp: { port: 9001 }, ollama: { model: 'qwen2.5:0.5b' } });
    expect((await readJson(file)).providers).toEqual({ llamacpp: { port: 9001 }, ollama: { model: 'qwen2.5:0.5b' } });
  });

  it('keeps both changes when two tabs change different fields of one provider', async () => {
    const { service, file } = await loadSettings();
    const [a, b] = twoClients(service);
    const { revision } = await a.invoke('settings.get');
    await a.invoke('settings.update', { providers: { engine: { contextSize: 8192 } }, baseRevision: revision });
    await b.invoke('settings.update', { providers: { engine: { threads: 4 } }, baseRevision: revision });
    expect((await readJson(file)).providers).toEqual({ engine: { contextSize: 8192, threads: 4 } });
  });

  it('refuses the second of two changes to the same field with CONFLICT, and the file keeps the first', async () => {
    const { service, file } = await loadSettings();
    const [a, b] = twoClients(service);
    const { revision } = await a.invoke('settings.get');
    await a.invoke('settings.update', { providers: { llamacpp: { port: 9001 } }, baseRevision: revision });

    const refused = await b
      .invoke('settings.update', { providers: { llamacpp: { port: 9002 } }, baseRevision: revision })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('providers.llamacpp.port'),
      hint: expect.stringMatching(/reload; your change was not saved/i),
    });
    expect((await readJson(file)).providers).toEqual({ llamacpp: { port: 9001 } });

    // Once B has read the new revision, its change goes through.
    const fresh = await b.invoke('settings.get');
    await b.invoke('settings.update', { providers: { llamacpp: { port: 9002 } }, baseRevision: fresh.revision });
    expect((await readJson(file)).providers).toEqual({ llamacpp: { port: 9002 } });
  });

  it('refuses to remove a provider whose settings another tab changed meanwhile, and a field of one another tab removed', async () => {
    const { service } = await loadSettings();
    const [a, b] = twoClients(service);
    const start = await a.invoke('settings.update', { providers: { llamacpp: { port: 9001 }, ollama: { model: 'x' } } });
    await a.invoke('settings.update', { providers: { llamacpp: { model: 'm.gguf' } }, baseRevision: start.revision });
    await expect(b.invoke('settings.update', { providers: { llamacpp: null }, baseRevision: start.revision })).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    const now = await a.invoke('settings.update', { providers: { ollama: null } });
    expect(now.values.providers).toEqual({ llamacpp: { port: 9001, model: 'm.gguf' } });
    await expect(
      b.invoke('settings.update', { providers: { ollama: { model: 'y' } }, baseRevision: start.revision }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('providers.ollama.model'),
    });
  });

  it('does not refuse a stale tab writing the value already there, nor a patch without a base revision', async () => {
    const { service } = await loadSettings();
    const [a, b] = twoClients(service);
    const { revision } = await a.invoke('settings.get');
    await a.invoke('settings.update', { healthIntervalSec: 5 });
    await expect(b.invoke('settings.update', { healthIntervalSec: 5, baseRevision: revision })).resolves.toMatchObject({
      values: { healthIntervalSec: 5 },
    });
    await expect(b.invoke('settings.update', { healthIntervalSec: 6 })).resolves.toMatchObject({ values: { healthIntervalSec: 6 } });
  });

  it('tells every client about a save, with the new revision', async () => {
    const { service } = await loadSettings();
    const [a, b] = twoClients(service);
    const { revision } = await b.invoke('settings.get');
    const heardByB = new Promise<SettingsState>((resolve) => b.on('settings.changed', resolve));
    await a.invoke('settings.update', { gateway: { strategy: 'priority' } });
    const state = await heardByB;
    expect(state.revision).toBeGreaterThan(revision);
    expect(state.values.gateway).toMatchObject({ strategy: 'priority', port: 8400 });
  });

  it('applies host-side edits against the latest values, so concurrent ones both survive', async () => {
    const { service, file } = await loadSettings();
    await Promise.all([
      service.edit(({ discovery }) => ({ discovery: { ...discovery, endpoints: [...discovery.endpoints, '10.0.0.1:8000'] } })),
      service.edit(({ discovery }) => ({ discovery: { ...discovery, endpoints: [...discovery.endpoints, '10.0.0.2:8000'] } })),
    ]);
    expect((await readJson(file)).discovery).toMatchObject({ endpoints: ['10.0.0.1:8000', '10.0.0.2:8000'] });
  });
});

describe('a hand edit of settings.json while the app runs', () => {
  it('is picked up, announced with a new revision, and kept by the next save from the UI', async () => {
    const { service, file } = await loadSettings();
    await service.watch();
    const before = service.state();
    const changed = nextChange(service);
    await writeFile(file, JSON.stringify({ providers: { llamacpp: { port: 9100 } } }));
    const state = await changed;
    expect(state.values.providers).toEqual({ llamacpp: { port: 9100 } });
    expect(state.revision).toBeGreaterThan(before.revision);

    await service.update({ autoStart: false, baseRevision: state.revision });
    expect(await readJson(file)).toEqual({ providers: { llamacpp: { port: 9100 } }, autoStart: false });
  });

  it('is read again before every write, so a save never overwrites an edit it did not see', async () => {
    // No watcher: the write itself must notice.
    const { service, file } = await loadSettings();
    const { revision } = await service.update({ healthIntervalSec: 5 });
    await writeFile(file, JSON.stringify({ healthIntervalSec: 5, providers: { ollama: { port: 11500 } } }));
    const state = await service.update({ autoStart: false, baseRevision: revision });
    expect(state.values.providers).toEqual({ ollama: { port: 11500 } });
    expect(await readJson(file)).toEqual({ healthIntervalSec: 5, providers: { ollama: { port: 11500 } }, autoStart: false });

    // A tab that read the settings before the hand edit cannot undo it; every client still hears of the edit.
    await writeFile(file, JSON.stringify({ healthIntervalSec: 7 }));
    const announced = nextChange(service);
    await expect(service.update({ healthIntervalSec: 9, baseRevision: state.revision })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('healthIntervalSec'),
    });
    expect(await readJson(file)).toEqual({ healthIntervalSec: 7 });
    expect((await announced).values.healthIntervalSec).toBe(7);
  });

  it('that is not valid is reported and kept aside, and the settings in effect stay (and are written back)', async () => {
    const { service, file, configDir } = await loadSettings();
    await service.update({ healthIntervalSec: 5 });
    await service.watch();
    const changed = nextChange(service);
    await writeFile(file, '{ "healthIntervalSec": 6,');
    const state = await changed;
    expect(state.values.healthIntervalSec).toBe(5);
    expect(state.problems.at(-1)).toMatchObject({
      message: expect.stringMatching(/not valid JSON/),
      hint: expect.stringContaining('previous settings stay'),
    });
    const aside = (await readdir(configDir)).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(configDir, aside[0]!), 'utf8')).toBe('{ "healthIntervalSec": 6,');
    expect(await readJson(file)).toEqual({ healthIntervalSec: 5 });
  });

  it('with one bad field takes the good ones and keeps the previous value of the bad one', async () => {
    const { service, file } = await loadSettings();
    await service.update({ healthIntervalSec: 5 });
    await service.watch();
    const changed = nextChange(service);
    await writeFile(file, JSON.stringify({ healthIntervalSec: 0, autoStart: false }));
    const state = await changed;
    expect(state.values).toMatchObject({ healthIntervalSec: 5, autoStart: false });
    expect(state.problems.at(-1)!.message).toContain('healthIntervalSec');
    expect(await readJson(file)).toEqual({ healthIntervalSec: 5, autoStart: false });
  });
});

describe('what a save writes to settings.json', () => {
  it('only the fields changed: the defaults beside them stay defaults, in effect but not pinned in the file', async () => {
    const { service, file } = await loadSettings();
    const state = await service.update({ gateway: { port: 9400, onDemand: { ttlSec: 120 } } });
    expect(await readJson(file)).toEqual({ gateway: { port: 9400, onDemand: { ttlSec: 120 } } });
    expect(state.values.gateway).toMatchObject({ port: 9400, strategy: 'round-robin', onDemand: { ttlSec: 120, maxLoadedModels: 1 } });
    expect(state.values.gateway.corsOrigins.length).toBeGreaterThan(0);
    expect(state.sources.gateway).toBe('saved');

    // A host-side edit computed from whole values (the gateway's own patch, an endpoint added) writes what changed.
    await service.edit(({ gateway }) => ({ gateway: { ...gateway, strategy: 'priority' } }));
    await service.edit(({ discovery }) => ({ discovery: { ...discovery, endpoints: [...discovery.endpoints, '10.0.0.1:8000'] } }));
    expect(await readJson(file)).toEqual({
      gateway: { port: 9400, onDemand: { ttlSec: 120 }, strategy: 'priority' },
      discovery: { endpoints: ['10.0.0.1:8000'] },
    });
    // An edit that changes nothing writes nothing new.
    await service.edit(({ gateway }) => ({ gateway: { ...gateway } }));
    expect(await readJson(file)).toEqual({
      gateway: { port: 9400, onDemand: { ttlSec: 120 }, strategy: 'priority' },
      discovery: { endpoints: ['10.0.0.1:8000'] },
    });
  });

  it('keeps what the file named, a default value written by hand included, and removes what a patch removes', async () => {
    const handWritten = { gateway: { strategy: 'round-robin', apiKey: 'k'.repeat(20) }, discovery: { intervalSec: 15 } };
    const { service, file } = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), JSON.stringify(handWritten)));
    expect(service.state().problems).toEqual([]);
    await service.update({ gateway: { port: 9401, apiKey: null } });
    expect(await readJson(file)).toEqual({ gateway: { strategy: 'round-robin', port: 9401 }, discovery: { intervalSec: 15 } });
    expect(service.values.discovery).toEqual({ endpoints: [], intervalSec: 15 });
  });

  it('a setting with fields that have no default whole, so the file reads back the same', async () => {
    const { service, file } = await loadSettings();
    await service.update({ wizard: { step: 2 } });
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toEqual({ wizard: { completed: false, step: 2, selected: [] } });
    const reloaded = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), text));
    expect(reloaded.service.state()).toMatchObject({ problems: [], values: { wizard: { completed: false, step: 2, selected: [] } } });
  });
});
