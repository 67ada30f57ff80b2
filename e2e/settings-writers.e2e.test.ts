import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsState } from '../shared/settings';
import { freshDirs, runCli, startCliHost, writeSettings, type HostDirs, type RunningHost } from './support/host-process';
import { connectClient } from './support/ws-client';

let host: RunningHost | undefined;
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await host?.stop();
  host = undefined;
});

const settingsFile = (dirs: HostDirs) => path.join(dirs.baseDir, 'config', 'settings.json');
const readSaved = async (dirs: HostDirs) => JSON.parse(await readFile(settingsFile(dirs), 'utf8')) as Record<string, unknown>;
const keptAside = async (dirs: HostDirs) =>
  (await readdir(path.join(dirs.baseDir, 'config'))).filter((f) => f.startsWith('settings.json.corrupt-'));

/** A browser tab's worth of client: its own WebSocket connection to the running host. */
async function tab(running: RunningHost) {
  const connection = await connectClient(running.origin, running.token, { timeoutMs: 20_000 });
  closers.push(connection.close);
  return connection.client;
}

const cli = runCli;

describe('two stale settings writers on a running host', () => {
  it('keeps both changes to different providers, and refuses the second change to one field', async () => {
    const dirs = await freshDirs();
    host = await startCliHost(dirs);
    const [a, b] = [await tab(host), await tab(host)];
    const before = (await readSaved(dirs)).providers as Record<string, unknown>;
    const [readByA, readByB] = await Promise.all([a.invoke('settings.get'), b.invoke('settings.get')]);
    expect(readByA.revision).toBe(readByB.revision);

    await a.invoke('settings.update', { providers: { llamacpp: { port: 9001 } }, baseRevision: readByA.revision });
    await b.invoke('settings.update', { providers: { ollama: { model: 'qwen2.5:0.5b' } }, baseRevision: readByB.revision });
    expect((await readSaved(dirs)).providers).toEqual({ ...before, llamacpp: { port: 9001 }, ollama: { model: 'qwen2.5:0.5b' } });

    const refused = await b
      .invoke('settings.update', { providers: { llamacpp: { port: 9002 } }, baseRevision: readByB.revision })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('providers.llamacpp.port'),
      hint: expect.stringMatching(/reload; your change was not saved/i),
    });
    expect((await readSaved(dirs)).providers).toEqual({ ...before, llamacpp: { port: 9001 }, ollama: { model: 'qwen2.5:0.5b' } });
    // The host is still serving both.
    await expect(a.invoke('settings.get')).resolves.toMatchObject({ values: { providers: { llamacpp: { port: 9001 } } } });
  });

  it('picks up a hand edit while running, tells every client, and a later save from the UI keeps it', async () => {
    const dirs = await freshDirs();
    host = await startCliHost(dirs);
    const client = await tab(host);
    const before = await client.invoke('settings.get');
    const heard = new Promise<SettingsState>((resolve) => {
      const off = client.on('settings.changed', (state) => {
        if (state.values.healthIntervalSec !== 12) return;
        off();
        resolve(state);
      });
    });
    await writeFile(settingsFile(dirs), JSON.stringify({ ...(await readSaved(dirs)), healthIntervalSec: 12 }));
    const state = await heard;
    expect(state.revision).toBeGreaterThan(before.revision);
    expect(state.sources.healthIntervalSec).toBe('saved');

    await client.invoke('settings.update', { autoStart: false, baseRevision: state.revision });
    expect(await readSaved(dirs)).toMatchObject({ healthIntervalSec: 12, autoStart: false });
  });
});

describe('a settings.json the app cannot use', () => {
  it.each([
    ['{"constructor": 1}', 'unknown setting "constructor"'],
    ['{"__proto__": {"x": 1}}', 'unknown setting "__proto__"'],
    ['{"providers": {"__proto__": {}}}', 'providers.__proto__'],
  ])('%s: `settings --json` exits 0 and reports it, leaving the file to the host (it only reads)', async (text, named) => {
    const dirs = await freshDirs();
    await writeFile(settingsFile(dirs), text);
    const { code, stdout, stderr } = await cli(dirs, ['settings', '--json']);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const state = JSON.parse(stdout) as SettingsState;
    expect(state.problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining(named), hint: expect.stringContaining('left as it is') }),
    ]);
    expect(state.values.providers).toEqual({});
    expect(await keptAside(dirs)).toHaveLength(0);
    expect(await readFile(settingsFile(dirs), 'utf8')).toBe(text);
  });

  it('with a prototype-named key still lets the host start and serve', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { constructor: 1, toString: 2, healthIntervalSec: 9 });
    host = await startCliHost(dirs);
    expect(host.output()).toContain('Settings problem');
    const state = await (await tab(host)).invoke('settings.get');
    expect(state.values.healthIntervalSec).toBe(9);
    expect(state.problems.map((p) => p.message).join()).toContain('unknown setting "constructor"');
    // The host owns the folder: it keeps the bad file aside and writes the valid settings back.
    expect(await keptAside(dirs)).toHaveLength(1);
    expect(await readSaved(dirs)).toMatchObject({ healthIntervalSec: 9 });
  });

  it('over the read cap is reported (the CLI leaves it, the host keeps it aside), and defaults are in use', async () => {
    const dirs = await freshDirs();
    await writeFile(settingsFile(dirs), JSON.stringify({ healthIntervalSec: 9, padding: 'x'.repeat(2 * 1024 * 1024) }));
    const { code, stdout } = await cli(dirs, ['settings', '--json']);
    expect(code).toBe(0);
    const state = JSON.parse(stdout) as SettingsState;
    expect(state.values.healthIntervalSec).toBe(30);
    expect(state.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('MiB') })]);
    expect(await keptAside(dirs)).toHaveLength(0);
    host = await startCliHost(dirs);
    expect(host.output()).toContain('Settings problem');
    expect(await keptAside(dirs)).toHaveLength(1);
  });
});
