import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { makeProviderRepo } from '../../test/git-fixture';
import { trustRecipeFile } from '../../test/trust-recipe';
import type { HostDirs } from './host-process';

/** A user recipe for a provider built from a local bare repository (a mirror, as settings allow). */
export async function writeTinyRecipe(dirs: HostDirs, port: number) {
  const repo = makeProviderRepo(await mkdtemp(path.join(os.tmpdir(), 'llm-e2e-repo-')));
  const dir = path.join(dirs.baseDir, 'config', 'providers.d');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'tiny.yaml'),
    stringify({
      id: 'tiny',
      name: 'Tiny provider',
      description: 'Cloned from a local git repository and built by its own build script.',
      homepage: 'https://example.com/tiny',
      repository: pathToFileURL(repo.bare).href,
      version: 'v1.0',
      defaultPort: port,
      api: 'openai',
      platforms: [{ os: 'linux' }, { os: 'darwin' }],
      installEstimate: { diskGiB: 0.1, minutes: 1 },
      install: { strategy: 'git', build: [{ name: 'build', argv: ['{node}', 'build.mjs'] }] },
      start: [{ name: 'server', argv: ['{node}', '{dataDir}/dist/server.mjs', '--host', '{host}', '--port', '{port}'] }],
      health: { path: '/health', json: { status: 'ok' } },
    }),
  );
  // Confirmed as in the Providers page's dialog: this test is about the wizard's install.
  await trustRecipeFile(dirs.baseDir, path.join(dir, 'tiny.yaml'));
}
