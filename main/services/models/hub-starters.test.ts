import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInHub, type StandInHub } from '../../../test/fixtures/stand-ins/hf-hub';
import { ModelDownloads } from './downloads';
import { HubClient } from './hub-client';
import { HubService } from './hub-service';
import { parseStarters, type StarterModel } from './starters';

const GiB = 1024 ** 3;
let hub: StandInHub;
let dir: string;
beforeAll(async () => {
  hub = await startStandInHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-starters-'));
  await mkdir(path.join(dir, 'models'));
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

const machine = (vramMiB: number, ramBytes: number, physicalCores = 8) => ({
  info: async () => ({ memory: { totalBytes: ramBytes, freeBytes: 0, availableBytes: ramBytes }, cpu: { physicalCores } }) as never,
  gpus: async () => (vramMiB ? [{ vramMiB, vramFreeMiB: vramMiB }] : []) as never,
});

const list = (extra: Partial<StarterModel>[] = []): StarterModel[] =>
  parseStarters(
    {
      starters: [
        {
          id: 'tiny-q4',
          name: 'Tiny Q4',
          kind: 'chat',
          repo: 'org/tiny-GGUF',
          file: 'tiny.Q4_K_M.gguf',
          license: 'apache-2.0',
          goodFor: 'Tests.',
        },
        {
          id: 'listed',
          name: 'Listed',
          kind: 'chat',
          repo: 'org/elsewhere-GGUF',
          file: 'big.gguf',
          size: 1.5 * GiB,
          license: 'mit',
          goodFor: 'Size.',
        },
        {
          id: 'embed',
          name: 'Embed',
          kind: 'embedding',
          repo: 'org/tiny-GGUF',
          file: 'tiny.Q8_0.gguf',
          license: 'apache-2.0',
          goodFor: 'Vectors.',
        },
        ...extra,
      ],
    },
    'test',
  );

describe('hub.starters', () => {
  const client = () => new HubClient({ env: { HF_ENDPOINT: hub.endpoint } });

  it('fills a size and sha256 the list leaves out from the hub tree, gives each a fit hint, and recommends one chat model', async () => {
    const service = new HubService(client(), new ModelDownloads(path.join(dir, 'models'), path.join(dir, 'part')), machine(0, 16 * GiB), {
      starters: async () =>
        list([{ id: 'gone', name: 'Gone', kind: 'chat', repo: 'org/nothing', file: 'x.gguf', license: 'mit', goodFor: '?' }]),
    });
    const starters = await service.starters();
    const tiny = starters.find((s) => s.id === 'tiny-q4')!;
    expect(tiny).toMatchObject({
      size: hub.files.get('org/tiny-GGUF/tiny.Q4_K_M.gguf')!.length,
      sha256: hub.sha256('org/tiny-GGUF', 'tiny.Q4_K_M.gguf'),
      fit: 'CPU only, slow',
      pageUrl: `${hub.endpoint}/org/tiny-GGUF`,
    });
    // Unknown to the hub: no size, no fit, never recommended; the rest still answer.
    expect(starters.find((s) => s.id === 'gone')).toMatchObject({ size: undefined, fit: undefined, recommended: false });
    expect(starters.filter((s) => s.recommended).map((s) => s.id)).toEqual(['listed']);
  });

  it('on a GPU that holds them, the largest chat model; on a tiny machine none is too big to suggest', async () => {
    const downloads = new ModelDownloads(path.join(dir, 'models'), path.join(dir, 'part'));
    const gpu = new HubService(client(), downloads, machine(8 * 1024, 16 * GiB), { starters: async () => list() });
    expect((await gpu.starters()).filter((s) => s.recommended).map((s) => [s.id, s.fit])).toEqual([['listed', 'fits on the GPU']]);
    const small = new HubService(client(), downloads, machine(0, 1 * GiB), { starters: async () => list() });
    const answer = await small.starters();
    expect(answer.find((s) => s.id === 'listed')!.fit).toBe('too big');
    expect(answer.filter((s) => s.recommended).map((s) => s.id)).toEqual(['tiny-q4']);
  });

  it('without a GPU, the machine’s physical cores bound the suggestion: 1.5 GiB on eight cores, not on two', async () => {
    const downloads = new ModelDownloads(path.join(dir, 'models'), path.join(dir, 'part'));
    const on = async (cores: number) =>
      (await new HubService(client(), downloads, machine(0, 16 * GiB, cores), { starters: async () => list() }).starters())
        .filter((s) => s.recommended)
        .map((s) => s.id);
    expect(await on(8)).toEqual(['listed']);
    expect(await on(2)).toEqual(['tiny-q4']);
  });

  it('a pull of a starter whose sha256 the hub contradicts is refused before any download; a matching one downloads', async () => {
    const downloads = new ModelDownloads(path.join(dir, 'models'), path.join(dir, 'part'));
    const wrong = 'f'.repeat(64);
    const service = new HubService(client(), downloads, machine(0, 16 * GiB), {
      starters: async () =>
        parseStarters(
          {
            starters: [
              {
                id: 'bad',
                name: 'Bad',
                kind: 'chat',
                repo: 'org/tiny-GGUF',
                file: 'tiny.Q8_0.gguf',
                sha256: wrong,
                license: 'x',
                goodFor: 'x',
              },
              {
                id: 'good',
                name: 'Good',
                kind: 'chat',
                repo: 'org/tiny-GGUF',
                file: 'tiny.Q4_K_M.gguf',
                sha256: hub.sha256('org/tiny-GGUF', 'tiny.Q4_K_M.gguf'),
                license: 'x',
                goodFor: 'x',
              },
            ],
          },
          'test',
        ),
    });
    await expect(service.pull('org/tiny-GGUF', 'tiny.Q8_0.gguf')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`not the ${wrong} the starter list expects`),
    });
    expect(downloads.list()).toEqual([]);
    const pull = await service.pull('org/tiny-GGUF', 'tiny.Q4_K_M.gguf');
    const done = await downloads.settled(pull.downloads[0]!.id);
    expect(done.status).toBe('done');
    const bytes = await readFile(path.join(dir, 'models', 'tiny.Q4_K_M.gguf'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hub.sha256('org/tiny-GGUF', 'tiny.Q4_K_M.gguf'));
    await downloads.close();
  });
});
