import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST } from '../recipe-parts';

const CONFIG = `# vLLM server options, read with \`vllm serve --config\`: keys are its command-line flags without "--".
# Modelled on the seed spec's config/vllm/config.yaml. Host and port are given on the command line
# too, and the command line wins, so the manager can move the port when the default is taken.
host: '{host}'
port: {port}
max-num-seqs: 256
max-model-len: 4096
# The spec says "half"; auto keeps bfloat16-only models (Gemma 2 and 3) loadable.
dtype: auto
gpu-memory-utilization: 0.9
download-dir: '{modelsDir}'
`;

/** From PyPI: the vllm wheel is built for CUDA, so NVIDIA only (ROCm needs a source build). */
export const vllm: RecipeInput = {
  id: 'vllm',
  name: 'vLLM',
  description:
    'High-throughput inference engine: PagedAttention, continuous batching, tensor parallelism. Serves Hugging Face models; the model is a Hugging Face id or a local folder.',
  homepage: 'https://docs.vllm.ai',
  repository: 'https://github.com/vllm-project/vllm',
  version: 'v0.11.0',
  defaultPort: 8000,
  api: 'openai',
  platforms: [{ os: 'linux', arch: ['x64'] }],
  requirements: {
    gpu: { vendors: ['nvidia'], minVramGiB: 8, required: true },
    tools: [{ id: 'python3', min: '3.10' }],
  },
  installEstimate: { diskGiB: 9, minutes: 10 },
  install: { strategy: 'python', packages: ['vllm==0.11.0'], python: '>=3.10,<3.14' },
  modelInput: 'name',
  start: [
    {
      name: 'server',
      argv: [
        '{venvPython}',
        '-m',
        'vllm.entrypoints.cli.main',
        'serve',
        '{model}',
        '--config',
        '{configDir}/config.yaml',
        '--host',
        '{host}',
        '--port',
        '{port}',
      ],
    },
  ],
  health: { path: '/health', status: [200] },
  identify: [
    // LocalAI answers /version too; every vLLM answers it (vllm/entrypoints/openai/api_server.py).
    {
      path: '/version',
      json: { version: { exists: true } },
      strength: 'strong',
      imitatedBy: ['localai'],
      required: true,
      versionField: 'version',
    },
    { path: '/metrics', bodyIncludes: 'vllm:', strength: 'strong' },
    { path: '/v1/models', json: { 'data.0.owned_by': 'vllm' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
  config: [{ file: 'config.yaml', template: CONFIG }],
};
