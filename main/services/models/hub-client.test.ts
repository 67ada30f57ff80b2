import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/closed-port';
import { HUB_TOKEN, startStandInHub, type StandInHub } from '../../../test/fixtures/stand-ins/hf-hub';
import { ModelDownloads } from './downloads';
import { HubClient } from './hub-client';
import { pickChoice } from './hub-files';
import { HubService } from './hub-service';

let hub: StandInHub;
let dir: string;
beforeAll(async () => {
  hub = await startStandInHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-client-'));
  await mkdir(path.join(dir, 'models'));
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (token?: string) => new HubClient({ env: { HF_ENDPOINT: `${hub.endpoint}/`, ...(token ? { HF_TOKEN: token } : {}) } });

describe('HubClient against the stand-in hub', () => {
  it('defaults to huggingface.co and honours HF_ENDPOINT', () => {
    expect(new HubClient({ env: {} }).endpoint).toBe('https://huggingface.co');
    expect(client().endpoint).toBe(hub.endpoint);
  });

  it('says why the hub cannot be reached, and what HF_ENDPOINT must look like', async () => {
    const port = await closedPort();
    await expect(new HubClient({ env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } }).search('tiny')).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: `Could not reach the Hugging Face hub at http://127.0.0.1:${port}: the connection was refused (nothing listens at that address and port).`,
    });
    for (const endpoint of ['hf-mirror.com', 'ftp://hf-mirror.com'])
      await expect(new HubClient({ env: { HF_ENDPOINT: endpoint } }).search('tiny')).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: `HF_ENDPOINT is not a web address: "${endpoint}".`,
      });
  });

  it('searches GGUF repositories, sorted as asked', async () => {
    expect((await client().search('tiny')).map((h) => h.id)).toEqual(['org/tiny-GGUF', 'org/split-GGUF', 'org/gated-GGUF']);
    expect((await client().search('tiny', { sort: 'likes', limit: 1 })).map((h) => h.id)).toEqual(['org/split-GGUF']);
    expect((await client().search('tiny', { sort: 'lastModified' }))[0]?.id).toBe('org/split-GGUF');
  });

  it('reads model info with the licence', async () => {
    const info = await client().info('org/tiny-GGUF');
    expect(info).toMatchObject({ id: 'org/tiny-GGUF', license: 'apache-2.0', gated: false, pageUrl: `${hub.endpoint}/org/tiny-GGUF` });
    expect((await client().info('org/gated-GGUF')).gated).toBe(true);
    await expect(client().info('org/nothing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client().info('../etc')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('lists GGUF choices with sizes, quantisations and sha256s; a split set is one choice', async () => {
    const choices = await client().choices('org/tiny-GGUF');
    expect(choices.map((c) => c.quant)).toEqual(['Q4_K_M', 'Q8_0']);
    const q8 = pickChoice(choices, 'Q8_0')!;
    expect(q8.parts[0]).toEqual({
      path: 'tiny.Q8_0.gguf',
      size: hub.files.get('org/tiny-GGUF/tiny.Q8_0.gguf')!.length,
      sha256: hub.sha256('org/tiny-GGUF', 'tiny.Q8_0.gguf'),
    });
    const split = await client().choices('org/split-GGUF');
    expect(split).toHaveLength(1);
    expect(split[0]!.parts).toHaveLength(2);
  });

  it('a gated repository lists its files but refuses them: accept the licence and set HF_TOKEN; the token opens them', async () => {
    const url = `${hub.endpoint}/org/gated-GGUF`;
    const choice = (await client().choices('org/gated-GGUF'))[0]!;
    const file = client().downloadsOf('org/gated-GGUF', choice)[0]!.url;
    await expect(client().checkAccess('org/gated-GGUF', file)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining(`accept the licence on its page (${url}) and set HF_TOKEN`),
    });
    await expect(client('wrong').checkAccess('org/gated-GGUF', file)).rejects.toMatchObject({
      message: expect.stringContaining('HTTP 403'),
    });
    await client(HUB_TOKEN).checkAccess('org/gated-GGUF', file);
  });

  it('HubService: choices with a fit hint for this machine; a pull of an unknown quantisation names the ones there are; a gated pull starts nothing', async () => {
    const downloads = new ModelDownloads(path.join(dir, 'models'), path.join(dir, 'part'));
    const system = {
      info: async () =>
        ({ memory: { totalBytes: 16 * 1024 ** 3, freeBytes: 0, availableBytes: 8 * 1024 ** 3 }, cpu: { physicalCores: 8 } }) as never,
      gpus: async () => [],
    };
    const service = new HubService(client(), downloads, system);
    const files = await service.files('org/tiny-GGUF');
    expect(files).toMatchObject({
      repo: 'org/tiny-GGUF',
      license: 'apache-2.0',
      gated: false,
      downloads: 500,
      summary: expect.stringMatching(/^A tiny random llama model for tests/),
      recommended: 'tiny.Q4_K_M.gguf',
    });
    // No model card: no summary, and the files still answer.
    expect((await service.files('org/split-GGUF')).summary).toBeUndefined();
    expect(files.choices.map((c) => [c.quant, c.fit])).toEqual([
      ['Q4_K_M', 'CPU only, slow'],
      ['Q8_0', 'CPU only, slow'],
    ]);
    await expect(service.pull('org/tiny-GGUF', 'Q6_K')).rejects.toMatchObject({ code: 'NOT_FOUND', hint: 'Pick one of: Q4_K_M, Q8_0.' });
    await expect(service.pull('org/gated-GGUF', 'Q8_0')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(downloads.list()).toEqual([]);
    expect((await service.search('tiny', { limit: 1 }))[0]).toMatchObject({ id: 'org/tiny-GGUF', gated: false });
  });

  it('downloads a split set through the downloader (redirect to the CDN, sha256 from the LFS oid), and a gated file with the token', async () => {
    const hubClient = client(HUB_TOKEN);
    const downloads = new ModelDownloads(path.join(dir, 'models'), path.join(dir, 'part'), (url) =>
      url.startsWith(`${hubClient.endpoint}/`) ? hubClient.authHeaders() : {},
    );
    const wanted = [
      ...hubClient.downloadsOf('org/split-GGUF', (await hubClient.choices('org/split-GGUF'))[0]!),
      ...hubClient.downloadsOf('org/gated-GGUF', (await hubClient.choices('org/gated-GGUF'))[0]!),
    ];
    expect(wanted.map((w) => w.file)).toEqual(['split-Q8_0-00001-of-00002.gguf', 'split-Q8_0-00002-of-00002.gguf', 'gated.Q8_0.gguf']);
    const started = await Promise.all(wanted.map((w) => downloads.start({ url: w.url, file: w.file, sha256: w.sha256 })));
    const settled = await Promise.all(started.map((s) => downloads.settled(s.id)));
    expect(settled.map((s) => [s.status, s.error])).toEqual(wanted.map(() => ['done', undefined]));
    for (const w of wanted) {
      const bytes = await readFile(path.join(dir, 'models', w.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(w.sha256);
    }
    expect(hub.hits.filter((h) => h.startsWith('/cdn/') && h.endsWith('.gguf'))).toHaveLength(3);
    await downloads.close();
  });
});
