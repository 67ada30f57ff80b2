import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import type { ModelFile } from '../../../shared/provider';
import { LoadableCatalogue } from './loadable-catalogue';

const file = (path: string, extra: Partial<ModelFile> = {}): ModelFile => ({ file: path, path, sizeBytes: 1000, usedBy: [], ...extra });

/** A catalogue of a temp folder's files, counting its scans. */
async function folderCatalogue() {
  const dir = await tempDir();
  let scans = 0;
  const catalogue = new LoadableCatalogue(async () => {
    scans++;
    return (await readdir(dir)).map((name) => file(path.join(dir, name)));
  }, dir);
  return { dir, catalogue, scans: () => scans };
}

describe('the loadable models, by the names clients send', () => {
  it('goes by file name, takes a name once (ours first), and knows an Ollama blob by its Ollama name', async () => {
    const catalogue = new LoadableCatalogue(async () => [
      file('/base/models/qwen.gguf', { contextLength: 2048, estimate: { contextSize: 2048, bytes: 1500, kvBytesPerToken: 8 } }),
      file('/lmstudio/org/repo/qwen.gguf', { origin: 'LM Studio', originalName: 'org/repo/qwen.gguf' }),
      file('/ollama/blobs/sha256-0123456789abcdef0123', { origin: 'Ollama', originalName: 'llama3.2:1b' }),
    ]);
    const entries = await catalogue.list();
    // What sizes its memory travels with it; a file whose header was not read has none.
    expect(entries.map((e) => [e.id, e.alias, e.sizeBytes, e.contextLength, e.estimate])).toEqual([
      ['qwen.gguf', undefined, 1000, 2048, { contextSize: 2048, bytes: 1500, kvBytesPerToken: 8 }],
      ['llama3.2:1b', 'sha256-0123456789abcdef0123', 1000, undefined, undefined],
    ]);
    expect((await catalogue.find('sha256-0123456789abcdef0123'))?.id).toBe('llama3.2:1b');
    expect((await catalogue.find('qwen.gguf'))?.path).toBe('/base/models/qwen.gguf');
    expect(await catalogue.find('missing.gguf')).toBeUndefined();
  });

  it('a file copied into the models folder is found at once, though the last scan is still fresh; a burst of misses does not rescan', async () => {
    const { dir, catalogue, scans } = await folderCatalogue();
    expect(await catalogue.find('new.gguf')).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(await catalogue.find('still-missing.gguf')).toBeUndefined();
    expect(scans()).toBe(1);
    await writeFile(path.join(dir, 'new.gguf'), '');
    expect((await catalogue.find('new.gguf'))?.path).toBe(path.join(dir, 'new.gguf'));
    expect(scans()).toBe(2);
  });

  it('a known file deleted from the folder is not found any more, at once; a known file in an unchanged folder costs no rescan', async () => {
    const { dir, catalogue, scans } = await folderCatalogue();
    await writeFile(path.join(dir, 'gone-soon.gguf'), '');
    expect((await catalogue.find('gone-soon.gguf'))?.id).toBe('gone-soon.gguf');
    for (let i = 0; i < 5; i++) expect((await catalogue.find('gone-soon.gguf'))?.id).toBe('gone-soon.gguf');
    expect(scans()).toBe(1);
    await rm(path.join(dir, 'gone-soon.gguf'));
    expect(await catalogue.find('gone-soon.gguf')).toBeUndefined();
    expect(scans()).toBe(2);
  });
});
