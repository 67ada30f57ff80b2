import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { STAND_IN_LLAMA_SERVER } from '../../test/stand-in';
import { trustRecipeFile } from '../../test/trust-recipe';

/**
 * Stand-in llama-servers as confirmed user recipes, one per id, each on its own port and naming
 * itself in its answers. `script` runs instead of the stand-in (a wrapper that may import it);
 * `fatalExitCodes` as recipes have them.
 */
export async function writeStandIns(
  baseDir: string,
  ports: Record<string, number>,
  env: Record<string, string> = {},
  options: { script?: string; fatalExitCodes?: number[] } = {},
): Promise<void> {
  const dir = path.join(baseDir, 'config', 'providers.d');
  await mkdir(dir, { recursive: true });
  for (const [id, port] of Object.entries(ports)) {
    const file = path.join(dir, `${id}.yaml`);
    await writeFile(
      file,
      stringify({
        id,
        name: `Stand-in ${id}`,
        description: 'A real process speaking llama-server’s wire format, for tests.',
        homepage: 'https://github.com/ggml-org/llama.cpp',
        defaultPort: port,
        api: 'openai',
        platforms: [{ os: 'linux' }, { os: 'darwin' }, { os: 'win32' }],
        install: { strategy: 'none' },
        ...(options.fatalExitCodes ? { fatalExitCodes: options.fatalExitCodes } : {}),
        start: [
          {
            name: 'server',
            argv: [process.execPath, options.script ?? STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}'],
            env: { STANDIN_NAME: id, ...env },
          },
        ],
        health: { path: '/health', json: { status: 'ok' } },
      }),
    );
    await trustRecipeFile(baseDir, file);
  }
}
