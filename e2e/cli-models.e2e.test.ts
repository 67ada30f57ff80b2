import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInHub, type StandInHub } from '../test/fixtures/stand-ins/hf-hub';
import { freshDirs, runCli, type HostDirs } from './support/host-process';

let hub: StandInHub;
let dirs: HostDirs;
beforeAll(async () => {
  hub = await startStandInHub();
  dirs = await freshDirs();
});
afterAll(() => hub.close());

const models = (args: string[]) => runCli(dirs, ['models', ...args], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: '' });
const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('`models` against a stand-in Hugging Face hub (HF_ENDPOINT)', () => {
  it('searches, pulls a quantisation and a split set, refuses a gated repository, lists and removes', async () => {
    const search = await models(['search', 'tiny', '--json']);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).map((h: { id: string }) => h.id)).toContain('org/tiny-GGUF');

    const pull = await models(['pull', 'org/tiny-GGUF:Q8_0']);
    expect([pull.code, pull.stderr]).toEqual([0, '']);
    expect(pull.stdout).toContain('tiny.Q8_0.gguf: done');
    const modelsDir = path.join(dirs.baseDir, 'models');
    expect(await sha256(path.join(modelsDir, 'tiny.Q8_0.gguf'))).toBe(hub.sha256('org/tiny-GGUF', 'tiny.Q8_0.gguf'));

    const split = await models(['pull', 'org/split-GGUF/Q8_0/split-Q8_0-00002-of-00002.gguf']);
    expect(split.code).toBe(0);
    for (const part of ['split-Q8_0-00001-of-00002.gguf', 'split-Q8_0-00002-of-00002.gguf'])
      expect(await sha256(path.join(modelsDir, part))).toBe(hub.sha256('org/split-GGUF', `Q8_0/${part}`));

    const gated = await models(['pull', 'org/gated-GGUF:Q8_0']);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain(`accept the licence on its page (${hub.endpoint}/org/gated-GGUF) and set HF_TOKEN`);

    // No quantisation named: the recommended one for this machine (Q4_K_M fits), said aloud.
    const bare = await models(['pull', 'org/tiny-GGUF']);
    expect([bare.code, bare.stderr]).toEqual([0, '']);
    expect(bare.stdout).toContain('Chose Q4_K_M (tiny.Q4_K_M.gguf');
    expect(await sha256(path.join(modelsDir, 'tiny.Q4_K_M.gguf'))).toBe(hub.sha256('org/tiny-GGUF', 'tiny.Q4_K_M.gguf'));

    const usage = await models(['pull', 'not-a-repo']);
    expect(usage.code).toBe(2);

    const list = await models(['list', '--json']);
    expect(list.code).toBe(0);
    const files = JSON.parse(list.stdout).models.map((m: { file: string }) => m.file);
    expect(files).toEqual(expect.arrayContaining(['tiny.Q8_0.gguf', 'split-Q8_0-00001-of-00002.gguf']));

    const rm = await models(['rm', 'tiny.Q8_0.gguf']);
    expect(rm.code).toBe(0);
    await expect(stat(path.join(modelsDir, 'tiny.Q8_0.gguf'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
