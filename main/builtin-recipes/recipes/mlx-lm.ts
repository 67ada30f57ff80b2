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
  // Each half is common; together (Python's http.server answering /health with {"status": "ok"},
  // mlx_lm/server.py) they are mlx_lm.server's alone among LLM servers.
  identify: [{ path: '/health', header: { name: 'Server', includes: 'BaseHTTP' }, json: { status: 'ok' }, strength: 'strong' }],
  models: OPENAI_MODEL_LIST,
};
