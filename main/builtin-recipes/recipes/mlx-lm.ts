import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST } from '../recipe-parts';

export const mlxLm: RecipeInput = {
  id: 'mlx-lm',
  aliases: ['mlx'],
  name: 'MLX-LM',
  description:
    "Apple's MLX server (mlx_lm.server), optimised for Apple Silicon's unified memory and Metal. The model is a Hugging Face id (mlx-community/…) or a local folder.",
  homepage: 'https://github.com/ml-explore/mlx-lm',
  repository: 'https://github.com/ml-explore/mlx-lm',
  version: 'v0.28.4',
  defaultPort: 8080,
  api: 'openai',
  platforms: [{ os: 'darwin', arch: ['arm64'] }],
  requirements: { gpu: { vendors: ['apple'], required: true }, tools: [{ id: 'python3', min: '3.10' }] },
  installEstimate: { diskGiB: 1, minutes: 3 },
  install: { strategy: 'python', packages: ['mlx-lm==0.28.4'], python: '>=3.10' },
  modelInput: 'name',
  start: [
    {
      name: 'server',
      argv: ['{venvPython}', '-m', 'mlx_lm.server', '--model', '{model}', '--host', '{host}', '--port', '{port}'],
    },
  ],
  health: { path: '/health', json: { status: 'ok' } },
  // Python's http.server names itself "BaseHTTP/…": many tools share that, so weak only.
  identify: [{ path: '/health', header: { name: 'Server', includes: 'BaseHTTP' }, json: { status: 'ok' }, strength: 'weak' }],
  models: OPENAI_MODEL_LIST,
};
