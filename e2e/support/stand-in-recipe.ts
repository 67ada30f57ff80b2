import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { STAND_IN_LLAMA_SERVER } from '../../test/stand-in';
import { trustRecipeFile } from '../../test/trust-recipe';

/**
 * Installs the llama-server stand-in as a user recipe (config/providers.d/standin.yaml), the way
 * a user adds a custom provider, and confirms its commands as the user would (unless `trusted`
 * is false: a custom recipe runs nothing before that).
 */
export async function writeStandInRecipe(
  baseDir: string,
  options: { port: number; env?: Record<string, string>; trusted?: boolean },
): Promise<void> {
  const dir = path.join(baseDir, 'config', 'providers.d');
  await mkdir(dir, { recursive: true });
  const recipe = {
    id: 'standin',
    name: 'Stand-in llama-server',
    description: 'A real process speaking llama-server’s wire format, for tests.',
    homepage: 'https://github.com/ggml-org/llama.cpp',
    defaultPort: options.port,
    api: 'openai',
    platforms: [{ os: 'linux' }, { os: 'darwin' }, { os: 'win32' }],
    install: { strategy: 'none' },
    start: [
      {
        name: 'server',
        argv: [process.execPath, STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}'],
        env: options.env ?? {},
      },
    ],
    health: { path: '/health', json: { status: 'ok' } },
  };
  await writeFile(path.join(dir, 'standin.yaml'), stringify(recipe));
  if (options.trusted !== false) await trustRecipeFile(baseDir, path.join(dir, 'standin.yaml'));
}
