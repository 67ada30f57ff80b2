import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../../shared/recipe';
import { tempDir } from '../../../test/temp-dir';
import { INSTALL_MARKER } from './install-state';
import { ensureLayout, pathsFor } from '../base-dir/paths';
import { cleanup } from './cleanup';

const recipe = (id: string) =>
  RecipeSchema.parse({
    id,
    name: id,
    description: 'x',
    homepage: 'https://example.com',
    defaultPort: 9000,
    api: 'openai',
    platforms: [{ os: 'linux' }],
    install: { strategy: 'python', packages: ['x==1'] },
    start: [{ name: 's', argv: ['x'] }],
    health: { path: '/health' },
  });

describe('cleanup', () => {
  it('removes caches and unfinished installs, says how much it freed, and keeps models, configs and installed providers', async () => {
    const paths = pathsFor(path.join(await tempDir(), 'base'));
    await ensureLayout(paths);
    const put = async (file: string, bytes: number) => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, Buffer.alloc(bytes));
    };
    await put(path.join(paths.cache, 'pip', 'wheels', 'a.whl'), 1000);
    await put(path.join(paths.cache, 'install', 'gone-asset.tar.gz'), 500);
    await put(path.join(paths.cache, 'install', 'busy-asset.tar.gz'), 300);
    await put(path.join(paths.cache, 'install', 'busy.journal.json'), 10);
    await put(path.join(paths.data, 'gone', 'venv', 'lib.so'), 2000);
    await put(path.join(paths.data, 'kept', 'venv', 'lib.so'), 4000);
    await put(path.join(paths.data, 'kept', INSTALL_MARKER), 2);
    await put(path.join(paths.data, 'busy', 'partial'), 700);
    await put(path.join(paths.models, 'm.gguf'), 100);
    await put(path.join(paths.config, 'gone', 'config.yaml'), 10);

    const report = await cleanup(paths, ['gone', 'kept', 'busy'].map(recipe), (id) => id === 'busy');
    expect(report.removed.map((r) => [path.relative(paths.base, r.path), r.bytes])).toEqual([
      ['cache/pip', 1000],
      ['cache/install/gone-asset.tar.gz', 500],
      ['data/gone', 2000],
    ]);
    expect(report.freedBytes).toBe(3500);
    for (const kept of [
      'cache/install/busy-asset.tar.gz',
      'cache/install/busy.journal.json',
      'data/kept',
      'data/busy',
      'models/m.gguf',
      'config/gone/config.yaml',
    ]) {
      expect(existsSync(path.join(paths.base, kept)), kept).toBe(true);
    }
  });
});
