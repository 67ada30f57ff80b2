import path from 'node:path';
import { RecipeSchema, type ProviderRecipe, type RecipeInput } from '../shared/recipe';

export const STAND_IN_LLAMA_SERVER = path.join(import.meta.dirname, 'fixtures', 'stand-ins', 'llama-server.mjs');

/** A recipe that runs the llama-server stand-in with the given STANDIN_* behaviour. */
export function standInRecipe(overrides: Partial<RecipeInput> & { env?: Record<string, string> } = {}): ProviderRecipe {
  const { env = {}, ...rest } = overrides;
  return RecipeSchema.parse({
    id: 'standin',
    name: 'Stand-in llama-server',
    description: 'A real process speaking llama-server’s wire format.',
    homepage: 'https://github.com/ggml-org/llama.cpp',
    defaultPort: 18080,
    api: 'openai',
    platforms: [{ os: 'linux' }, { os: 'darwin' }, { os: 'win32' }],
    install: { strategy: 'none' },
    start: [{ name: 'server', argv: [process.execPath, STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}'], env }],
    health: { path: '/health', json: { status: 'ok' }, timeoutMs: 500 },
    ...rest,
  });
}
