import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitHint } from './hub-files';
import { loadStarters, parseStarters, PLEASANT_ON_CPU_BYTES, pleasantOnCpuBytes, recommendStarter, STARTERS_ENV } from './starters';

const GiB = 1024 ** 3;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'starters-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const starter = (over: Record<string, unknown> = {}) => ({
  id: 'tiny-chat',
  name: 'Tiny chat',
  kind: 'chat',
  repo: 'org/tiny-GGUF',
  file: 'tiny.Q4_K_M.gguf',
  license: 'apache-2.0',
  goodFor: 'Tests.',
  ...over,
});

describe('the starter list', () => {
  it('the built-in list is valid: real repositories, chat and embedding models, sha256s in lower-case hex', async () => {
    const list = await loadStarters({});
    expect(list.length).toBeGreaterThanOrEqual(6);
    expect(list.some((s) => s.kind === 'chat')).toBe(true);
    expect(list.some((s) => s.kind === 'embedding')).toBe(true);
    for (const s of list) expect(s.file).toMatch(/\.gguf$/i);
    // Every value was found in a public source; none is left for the hub to fill.
    expect(list.filter((s) => !s.size || !s.sha256).map((s) => s.id)).toEqual([]);
  });

  it('the built-in list suggests a bigger model on a GPU than on a CPU alone, a smaller one on fewer cores, and a small one when only 2 GiB are free', async () => {
    const list = await loadStarters({});
    const pick = (vramBytes: number, ramBytes: number, cores?: number) =>
      recommendStarter(
        list.map((s) => ({ ...s, fit: fitHint(s.size!, { vramBytes, ramBytes }) })),
        cores,
      );
    expect(pick(8 * GiB, 32 * GiB)).toBe('qwen3-4b');
    expect(pick(8 * GiB, 32 * GiB, 2)).toBe('qwen3-4b');
    expect(pick(0, 16 * GiB)).toBe('llama-3.2-3b-instruct');
    expect(pick(0, 16 * GiB, 8)).toBe('llama-3.2-3b-instruct');
    expect(pick(0, 16 * GiB, 4)).toBe('llama-3.2-3b-instruct');
    // Two cores (this VM): the 3B model makes a few tokens a second; the "fast on a CPU" 1.5B twice that.
    expect(pick(0, 16 * GiB, 2)).toBe('qwen2.5-1.5b-instruct');
    expect(pick(0, 16 * GiB, 1)).toBe('qwen2.5-0.5b-instruct');
    expect(pick(0, 2 * GiB)).toBe('qwen2.5-1.5b-instruct');
  });

  it('a bad entry is an error naming the entry and the field', () => {
    expect(() => parseStarters({ starters: [starter({ repo: 'not a repo' })] }, 'x.json')).toThrow(
      /starter models list x\.json is not valid: starters\.0\.repo: must be owner\/name/,
    );
    expect(() => parseStarters({ starters: [starter({ sha256: 'ABC' })] }, 'x.json')).toThrow(/starters\.0\.sha256/);
    expect(() => parseStarters({ starters: [starter({ file: '../x.gguf' })] }, 'x.json')).toThrow(/starters\.0\.file/);
    expect(() => parseStarters({ starters: [starter(), starter()] }, 'x.json')).toThrow(/"tiny-chat" is listed twice/);
    expect(() => parseStarters({ starters: [starter({ extra: 1 })] }, 'x.json')).toThrow(/not valid/);
    expect(() => parseStarters({ starters: [] }, 'x.json')).toThrow(/starters/);
  });

  it(`${STARTERS_ENV} replaces the list with a JSON or YAML file; a missing or broken file is a clear error`, async () => {
    const json = path.join(dir, 'list.json');
    await writeFile(json, JSON.stringify({ starters: [starter({ size: 10 })] }));
    expect(await loadStarters({ [STARTERS_ENV]: json })).toEqual([starter({ size: 10 })]);

    const yaml = path.join(dir, 'list.yaml');
    await writeFile(
      yaml,
      'starters:\n  - id: y\n    name: Y\n    kind: embedding\n    repo: a/b\n    file: y.gguf\n    license: mit\n    goodFor: Y.\n',
    );
    expect((await loadStarters({ [STARTERS_ENV]: yaml }))[0]).toMatchObject({ id: 'y', kind: 'embedding' });

    await expect(loadStarters({ [STARTERS_ENV]: path.join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining('Could not read the starter models list'),
    });
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{ "starters": [');
    await expect(loadStarters({ [STARTERS_ENV]: broken })).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
    await writeFile(broken, JSON.stringify({ starters: [starter({ kind: 'vision' })] }));
    await expect(loadStarters({ [STARTERS_ENV]: broken })).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining('starters.0.kind'),
    });
  });
});

describe('recommendStarter', () => {
  const models = [
    { id: 'half', kind: 'chat' as const, size: 0.4 * GiB },
    { id: 'one', kind: 'chat' as const, size: 1.1 * GiB },
    { id: 'three', kind: 'chat' as const, size: 1.9 * GiB },
    { id: 'four', kind: 'chat' as const, size: 2.4 * GiB },
    { id: 'embed', kind: 'embedding' as const, size: 3 * GiB },
    { id: 'unknown', kind: 'chat' as const },
  ];
  const on = (machine: { vramBytes: number; ramBytes: number }) =>
    recommendStarter(models.map((m) => ({ ...m, fit: m.size === undefined ? undefined : fitHint(m.size, machine) })));

  it('a GPU that holds them all: the largest chat model (never an embedding model)', () => {
    expect(on({ vramBytes: 24 * GiB, ramBytes: 64 * GiB })).toBe('four');
  });

  it('a small GPU: the largest chat model that fits on it', () => {
    expect(on({ vramBytes: 2 * GiB, ramBytes: 16 * GiB })).toBe('one');
  });

  it(`no GPU: the largest that fits in RAM and is at most ${PLEASANT_ON_CPU_BYTES / GiB} GiB`, () => {
    expect(on({ vramBytes: 0, ramBytes: 16 * GiB })).toBe('three');
  });

  it('little RAM: only what fits; nothing when nothing fits', () => {
    expect(on({ vramBytes: 0, ramBytes: 2 * GiB })).toBe('one');
    expect(on({ vramBytes: 0, ramBytes: 0.5 * GiB })).toBeUndefined();
  });

  it('fewer cores, a smaller model: the pleasant size grows with the physical cores up to the cap', () => {
    expect(pleasantOnCpuBytes(undefined)).toBe(PLEASANT_ON_CPU_BYTES);
    expect(pleasantOnCpuBytes(0)).toBe(PLEASANT_ON_CPU_BYTES);
    expect(pleasantOnCpuBytes(64)).toBe(PLEASANT_ON_CPU_BYTES);
    const cpuOnly = models.map((m) => ({
      ...m,
      fit: m.size === undefined ? undefined : fitHint(m.size, { vramBytes: 0, ramBytes: 16 * GiB }),
    }));
    expect(recommendStarter(cpuOnly, 8)).toBe('three');
    expect(recommendStarter(cpuOnly, 2)).toBe('one');
    expect(recommendStarter(cpuOnly, 1)).toBe('half');
    // The cores never matter on a GPU that holds the model.
    expect(
      recommendStarter(
        models.map((m) => ({ ...m, fit: m.size === undefined ? undefined : fitHint(m.size, { vramBytes: 24 * GiB, ramBytes: 64 * GiB }) })),
        1,
      ),
    ).toBe('four');
  });

  it('only big ones fit on the CPU: the smallest of them rather than none', () => {
    const big = [
      { id: 'b3', kind: 'chat' as const, size: 3 * GiB, fit: 'CPU only, slow' as const },
      { id: 'b5', kind: 'chat' as const, size: 5 * GiB, fit: 'CPU only, slow' as const },
      { id: 'b9', kind: 'chat' as const, size: 9 * GiB, fit: 'too big' as const },
    ];
    expect(recommendStarter(big)).toBe('b3');
  });

  it('counts one split between the GPU and RAM as one that runs on the CPU: the GPU-sized one first, else the pleasant size', () => {
    const split = [
      { id: 'gpu1', kind: 'chat' as const, size: 1 * GiB, fit: 'fits on the GPU' as const },
      { id: 'split2', kind: 'chat' as const, size: 2 * GiB, fit: 'partly on the GPU' as const },
    ];
    expect(recommendStarter(split, 8)).toBe('gpu1');
    expect(recommendStarter(split.slice(1), 8)).toBe('split2');
  });
});
