import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../../../scripts/make-tiny-gguf';
import { tempDir } from '../../../test/temp-dir';
import { isGguf, ollamaName, scanLocalStores } from './local-stores';
import { ModelsService } from './models';

const BLOB_HEX = 'a'.repeat(64);

/** The four stores, each laid out as its app documents it, with one tiny real GGUF and one decoy each. */
async function buildStores(home: string): Promise<void> {
  // LM Studio: ~/.lmstudio/models/<publisher>/<repo>/<file>.gguf
  const lm = path.join(home, '.lmstudio', 'models', 'lmstudio-community', 'Tiny-GGUF');
  await mkdir(lm, { recursive: true });
  writeTinyGguf(path.join(lm, 'tiny-Q8_0.gguf'));
  await writeFile(path.join(lm, 'fake.gguf'), 'not a model at all');
  // Ollama: manifests/registry.ollama.ai/library/<model>/<tag> naming blobs/sha256-<hex>
  const ollama = path.join(home, '.ollama', 'models');
  const manifestDir = path.join(ollama, 'manifests', 'registry.ollama.ai', 'library', 'llama3.2');
  await mkdir(manifestDir, { recursive: true });
  await mkdir(path.join(ollama, 'blobs'), { recursive: true });
  writeTinyGguf(path.join(ollama, 'blobs', `sha256-${BLOB_HEX}`));
  await writeFile(
    path.join(manifestDir, '1b'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 10 },
      layers: [
        { mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${BLOB_HEX}`, size: 100 },
        { mediaType: 'application/vnd.ollama.image.template', digest: `sha256:${'c'.repeat(64)}`, size: 10 },
      ],
    }),
  );
  // llama.cpp's cache: ~/.cache/llama.cpp/<org>_<repo>_<file>.gguf
  const llama = path.join(home, '.cache', 'llama.cpp');
  await mkdir(llama, { recursive: true });
  writeTinyGguf(path.join(llama, 'ggml-org_tiny-GGUF_tiny-f32.gguf'));
  await writeFile(path.join(llama, 'ggml-org_tiny-GGUF_tiny-f32.gguf.json'), '{}');
  // The hub cache: models--<org>--<repo>/snapshots/<rev>/<file> → ../../blobs/<sha256>
  const repo = path.join(home, '.cache', 'huggingface', 'hub', 'models--bartowski--Tiny-GGUF');
  const rev = path.join(repo, 'snapshots', '0123456789abcdef');
  await mkdir(rev, { recursive: true });
  await mkdir(path.join(repo, 'blobs'), { recursive: true });
  writeTinyGguf(path.join(repo, 'blobs', 'd'.repeat(64)));
  await symlink(path.join('..', '..', 'blobs', 'd'.repeat(64)), path.join(rev, 'Tiny-Q4_K_M.gguf'));
  // A link that leaves the repository is never followed.
  const outside = path.join(home, 'outside.gguf');
  writeTinyGguf(outside);
  await symlink(outside, path.join(rev, 'escape.gguf'));
}

describe('scanLocalStores', () => {
  it('finds the GGUF models of LM Studio, Ollama, the llama.cpp cache and the Hugging Face cache, with their names', async () => {
    const home = await tempDir();
    await buildStores(home);
    const models = await scanLocalStores({ home, env: {}, platform: 'linux' });
    const summary = models.map((m) => [m.origin, m.originalName, path.relative(home, m.path)]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['LM Studio', 'lmstudio-community/Tiny-GGUF/tiny-Q8_0.gguf', '.lmstudio/models/lmstudio-community/Tiny-GGUF/tiny-Q8_0.gguf'],
        ['Ollama', 'llama3.2:1b', `.ollama/models/blobs/sha256-${BLOB_HEX}`],
        ['llama.cpp cache', 'ggml-org_tiny-GGUF_tiny-f32.gguf', '.cache/llama.cpp/ggml-org_tiny-GGUF_tiny-f32.gguf'],
        [
          'Hugging Face cache',
          'bartowski/Tiny-GGUF/Tiny-Q4_K_M.gguf',
          '.cache/huggingface/hub/models--bartowski--Tiny-GGUF/snapshots/0123456789abcdef/Tiny-Q4_K_M.gguf',
        ],
      ]),
    );
    // The decoy without the magic bytes, the sidecar JSON and the link out of the hub cache are left out.
    expect(models).toHaveLength(4);
  });

  it('honours OLLAMA_MODELS, LLAMA_CACHE and HF_HUB_CACHE over the defaults', async () => {
    const home = await tempDir();
    const elsewhere = await tempDir();
    await buildStores(elsewhere);
    const env = {
      OLLAMA_MODELS: path.join(elsewhere, '.ollama', 'models'),
      LLAMA_CACHE: path.join(elsewhere, '.cache', 'llama.cpp'),
      HF_HUB_CACHE: path.join(elsewhere, '.cache', 'huggingface', 'hub'),
    };
    const origins = (await scanLocalStores({ home, env, platform: 'linux' })).map((m) => m.origin).sort();
    expect(origins).toEqual(['Hugging Face cache', 'Ollama', 'llama.cpp cache']);
  });

  it("reads llama.cpp's cache in the hub's layout too, as newer builds keep it", async () => {
    const cache = await tempDir();
    const rev = path.join(cache, 'models--ggml-org--tiny-GGUF', 'snapshots', 'abc');
    await mkdir(rev, { recursive: true });
    await mkdir(path.join(cache, 'models--ggml-org--tiny-GGUF', 'blobs'));
    writeTinyGguf(path.join(cache, 'models--ggml-org--tiny-GGUF', 'blobs', 'f'.repeat(64)));
    await symlink(path.join('..', '..', 'blobs', 'f'.repeat(64)), path.join(rev, 'tiny.gguf'));
    const models = await scanLocalStores({ home: await tempDir(), env: { LLAMA_CACHE: cache }, platform: 'linux' });
    expect(models.map((m) => [m.origin, m.originalName])).toEqual([['llama.cpp cache', 'ggml-org/tiny-GGUF/tiny.gguf']]);
  });

  it('finds nothing, without failing, when no store exists', async () => {
    expect(await scanLocalStores({ home: await tempDir(), env: {}, platform: 'darwin' })).toEqual([]);
  });

  it('names Ollama models as `ollama list` does', () => {
    expect(ollamaName(['registry.ollama.ai', 'library', 'llama3.2', '1b'])).toBe('llama3.2:1b');
    expect(ollamaName(['registry.ollama.ai', 'someone', 'model', 'latest'])).toBe('someone/model:latest');
    expect(ollamaName(['hf.co', 'bartowski', 'Tiny-GGUF', 'Q4_K_M'])).toBe('hf.co/bartowski/Tiny-GGUF:Q4_K_M');
  });

  it('checks only the magic bytes', async () => {
    const dir = await tempDir();
    writeTinyGguf(path.join(dir, 'a.gguf'));
    await writeFile(path.join(dir, 'b.gguf'), 'GGU');
    expect([await isGguf(path.join(dir, 'a.gguf')), await isGguf(path.join(dir, 'b.gguf'))]).toEqual([true, false]);
  });
});

describe('ModelsService with the other stores', () => {
  it('lists them after our own with origin and header facts, and refuses to delete them', async () => {
    const home = await tempDir();
    const ours = await tempDir();
    await buildStores(home);
    writeTinyGguf(path.join(ours, 'mine.gguf'));
    const service = new ModelsService(
      ours,
      () => ({}),
      () => scanLocalStores({ home, env: {}, platform: 'linux' }),
    );
    const models = await service.list();
    expect(models.map((m) => m.origin ?? 'models folder')).toEqual([
      'models folder',
      'LM Studio',
      'Ollama',
      'llama.cpp cache',
      'Hugging Face cache',
    ]);
    const ollama = models.find((m) => m.origin === 'Ollama')!;
    expect(ollama).toMatchObject({ file: ollama.path, originalName: 'llama3.2:1b', architecture: 'llama' });
    expect(path.isAbsolute(ollama.file)).toBe(true);
    await expect(service.delete(ollama.file, () => false)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'This file belongs to Ollama; remove it there.',
    });
    expect(await isGguf(ollama.path)).toBe(true);
    // A path that no store lists is not ours to name at all.
    await expect(service.delete(path.join(home, 'outside.gguf'), () => false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
