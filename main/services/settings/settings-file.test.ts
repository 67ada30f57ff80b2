import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SettingsState } from '../../../shared/settings';
import { loadSettings } from '../../../test/settings-fixture';
import { SETTINGS_READ_CAP } from './settings-file';

const keptAside = async (configDir: string) => (await readdir(configDir)).filter((f) => f.startsWith('settings.json.corrupt-'));

describe('settings.json with keys named like Object.prototype members', () => {
  it.each([
    ['{"constructor": 1}', 'unknown setting "constructor"'],
    ['{"__proto__": {"x": 1}}', 'unknown setting "__proto__"'],
    ['{"toString": 1, "hasOwnProperty": 2}', 'unknown setting "toString"'],
    ['{"providers": {"__proto__": {"port": 1}}}', 'providers.__proto__'],
    ['{"providers": {"constructor": {"port": 1}}}', 'providers.constructor'],
    ['{"gateway": {"modelStrategies": {"__proto__": "priority"}}}', 'gateway.modelStrategies.__proto__'],
  ])('%s is reported and kept aside like any bad file, and pollutes nothing', async (text, named) => {
    const withGood = text.replace(/^\{/, '{"healthIntervalSec": 5, ');
    const { service, configDir, file } = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), withGood));
    const state = service.state();
    expect(state.problems).toEqual([expect.objectContaining({ message: expect.stringContaining(named) })]);
    expect(state.values.healthIntervalSec).toBe(5);
    expect(state.values.providers).toEqual({});
    expect(Object.getPrototypeOf(state.values.providers)).toBe(Object.prototype);
    const aside = await keptAside(configDir);
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(configDir, aside[0]!), 'utf8')).toBe(withGood);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ healthIntervalSec: 5 });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).port).toBeUndefined();
  });

  it('refuses a patch with such a key and changes nothing', async () => {
    const { service, file } = await loadSettings();
    await service.update({ healthIntervalSec: 5 });
    for (const patch of [
      '{"providers": {"__proto__": {"port": 1}}}',
      '{"__proto__": {"port": 1}}',
      '{"providers": {"constructor": {"port": 1}}}',
    ]) {
      await expect(service.update(JSON.parse(patch) as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ healthIntervalSec: 5 });
    expect(({} as Record<string, unknown>).port).toBeUndefined();
  });
});

describe('a settings.json nested deeper than the stack', () => {
  it('is reported and kept aside like any bad file, without overflowing anything', async () => {
    // About 750 KiB: under the read cap, so it is parsed and checked.
    const deep = `{"healthIntervalSec": 5, "providers": ${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}}`;
    const { service, configDir } = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), deep));
    const state = service.state();
    expect(state.values).toMatchObject({ healthIntervalSec: 5, providers: {} });
    expect(state.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('providers') })]);
    expect(await keptAside(configDir)).toHaveLength(1);
  });
});

describe('an oversized settings.json', () => {
  const oversized = () => JSON.stringify({ healthIntervalSec: 5, padding: 'x'.repeat(SETTINGS_READ_CAP) });

  it('at start is reported and kept aside, and defaults are in use', async () => {
    const { service, configDir } = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), oversized()));
    const state = service.state();
    expect(state.values.healthIntervalSec).toBe(30);
    expect(state.problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining('MiB'), hint: expect.stringContaining('corrupt-') }),
    ]);
    expect(await keptAside(configDir)).toHaveLength(1);
  });

  it('written by hand while running is reported, and the settings in effect stay', async () => {
    const { service, configDir, file } = await loadSettings();
    await service.update({ healthIntervalSec: 7 });
    await service.watch();
    const changed = new Promise<SettingsState>((resolve) => service.once('changed', resolve));
    await writeFile(file, oversized());
    const state = await changed;
    expect(state.values.healthIntervalSec).toBe(7);
    expect(state.problems.at(-1)!.message).toContain('MiB');
    expect(await keptAside(configDir)).toHaveLength(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ healthIntervalSec: 7 });
  });
});

describe('settings.json with a field left out', () => {
  it('says the field is missing and shows the setting it belongs to, and keeps the other settings', async () => {
    const text = '{"healthIntervalSec": 5, "wizard": {"completed": true, "selected": []}, "startupTimeoutSec": "soon"}';
    const { service } = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), text));
    const [problem] = service.state().problems;
    expect(problem?.message).toContain('has invalid settings: wizard.step is missing (wizard was {"completed":true,"selected":[]});');
    expect(problem?.message).toContain('startupTimeoutSec: Invalid input: expected number, received string (got "soon").');
    expect(service.state().values.healthIntervalSec).toBe(5);
  });
});

describe('a setting with bad parts', () => {
  it('at start loses only those parts: one provider’s typo leaves every other setting of every provider, each part named', async () => {
    const original = JSON.stringify({
      healthIntervalSec: 5,
      providers: {
        engine: { contextSize: 2048, parallel: 'four', colour: 'red' },
        llamacpp: { port: 9000, install: { version: '-rf' } },
        'Not An Id': { port: 1 },
      },
      mutedAlerts: ['ram', 'sometimes', 'disk'],
      discovery: { intervalSec: 10, endpoints: ['10.0.0.5:8000', 'no port here', '10.0.0.6:11434'] },
      wizard: { completed: true, selected: [] },
    });
    const { service, configDir, file } = await loadSettings({}, (dir) => writeFile(path.join(dir, 'settings.json'), original));
    const { values, problems } = service.state();
    expect(values.providers).toEqual({ engine: { contextSize: 2048 }, llamacpp: { port: 9000, install: {} } });
    expect(values.mutedAlerts).toEqual(['ram', 'disk']);
    expect(values.discovery).toEqual({ intervalSec: 10, endpoints: ['10.0.0.5:8000', '10.0.0.6:11434'] });
    // A setting whose own required field is missing cannot be salvaged: it takes its default, as before.
    expect(values.wizard).toEqual({ completed: false, step: 0, selected: [] });
    const message = problems[0]!.message;
    expect(message).toContain('providers.engine.parallel: Invalid input: expected number, received string (got "four")');
    expect(message).toContain('providers.engine.colour: Unrecognized key: "colour"');
    expect(message).toContain('providers.llamacpp.install.version: must be one tag, branch or commit');
    expect(message).toContain('providers.Not An Id: Invalid key in record');
    expect(message).toContain('mutedAlerts.1: Invalid option');
    expect(message).toContain('discovery.endpoints.1:');
    expect(message).toContain('wizard.step is missing');
    // What is written back is what applies; the original is kept aside whole.
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      healthIntervalSec: 5,
      providers: values.providers,
      mutedAlerts: ['ram', 'disk'],
    });
    const aside = await keptAside(configDir);
    expect(await readFile(path.join(configDir, aside[0]!), 'utf8')).toBe(original);
  });

  it('after a hand edit keeps the edit’s good parts, and the value in effect for each bad one', async () => {
    const { service, file } = await loadSettings();
    await service.update({ providers: { engine: { contextSize: 4096, parallel: 2 }, llamacpp: { port: 9000 } } });
    await service.watch();
    const changed = new Promise<SettingsState>((resolve) => service.once('changed', resolve));
    await writeFile(
      file,
      JSON.stringify({ providers: { engine: { contextSize: 8192, parallel: 0, threads: 4 }, llamacpp: { port: 9001 } } }),
    );
    const state = await changed;
    expect(state.values.providers).toEqual({ engine: { contextSize: 8192, parallel: 2, threads: 4 }, llamacpp: { port: 9001 } });
    expect(state.problems.at(-1)!.message).toContain('providers.engine.parallel: must be at least 1 (got 0)');
    expect(JSON.parse(await readFile(file, 'utf8')).providers).toEqual(state.values.providers);
  });
});
