import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST } from '../recipe-parts';

// With --config, TabbyAPI ignores its other flags but still reads TABBY_* variables for fields the
// file leaves out: so the file holds what stays, and host, port and model come from the environment.
const CONFIG = `# TabbyAPI settings (main.py --config). Network host and port and the model are set by the
# manager at each start (TABBY_NETWORK_HOST, TABBY_NETWORK_PORT, TABBY_MODEL_MODEL_DIR,
# TABBY_MODEL_MODEL_NAME), so leave them out of this file: values here would win.
network:
  # TabbyAPI's default: clients need the api_key from api_tokens.yml in its folder (the manager
  # reads it there after each start; give it to other clients from that file).
  disable_auth: false
logging:
  log_prompt: false
  log_generation_params: false
model:
  max_seq_len: 4096
  cache_mode: FP16
`;

/** ExLlamaV2/V3 on CUDA or ROCm; no CPU path. */
export const tabbyapi: RecipeInput = {
  id: 'tabbyapi',
  name: 'TabbyAPI',
  description:
    'High-performance OpenAI-compatible server on ExLlamaV2/V3 with advanced quantization (EXL2, EXL3, GPTQ). Needs an NVIDIA or AMD GPU; the model is a folder name in the models folder.',
  homepage: 'https://github.com/theroyallab/tabbyAPI',
  repository: 'https://github.com/theroyallab/tabbyAPI',
  // TabbyAPI publishes no release tags: a commit with the cu12 and amd extras.
  version: '01a5915a7bfd46d2cff6b20bade7f289024b11f6',
  defaultPort: 5000,
  portNote: 'Shares 5000 with text-generation-webui and the macOS AirPlay receiver; the manager moves it when taken.',
  api: 'openai',
  platforms: [
    { os: 'linux', arch: ['x64'] },
    { os: 'win32', arch: ['x64'] },
  ],
  requirements: { gpu: { vendors: ['nvidia', 'amd'], required: true }, tools: [{ id: 'python3', min: '3.10' }] },
  installEstimate: { diskGiB: 6, minutes: 10 },
  install: {
    strategy: 'git',
    python: '>=3.10,<3.14',
    build: [
      { name: 'install-cuda', argv: ['{venvPython}', '-m', 'pip', 'install', '.[cu12]'], when: { accelerator: ['nvidia'] } },
      // Its ROCm wheels are published for Linux only.
      { name: 'install-rocm', argv: ['{venvPython}', '-m', 'pip', 'install', '.[amd]'], when: { accelerator: ['amd'] } },
    ],
  },
  modelInput: 'name',
  start: [
    {
      name: 'server',
      argv: ['{venvPython}', 'main.py', '--config', '{configDir}/config.yml'],
      env: {
        TABBY_NETWORK_HOST: '{host}',
        TABBY_NETWORK_PORT: '{port}',
        TABBY_MODEL_MODEL_DIR: '{modelsDir}',
        TABBY_MODEL_MODEL_NAME: '{model}',
      },
    },
  ],
  health: { path: '/health', json: { status: 'healthy' } },
  identify: [
    { path: '/.well-known/serviceinfo', json: { 'software.name': 'TabbyAPI' }, strength: 'strong' },
    // Needs its API key by default, so often a 401.
    { path: '/v1/models', json: { 'data.0.owned_by': 'tabbyAPI' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
  // common/auth.py (load_auth_keys): with disable_auth false, TabbyAPI reads api_tokens.yml from its
  // working folder (data/tabbyapi), or writes one with a random api_key and admin_key before it
  // serves; check_api_key takes `x-api-key` or `Authorization: Bearer`. /health needs no key, so
  // the manager reads the file once healthy and sends the api_key for model lists and routing.
  keyFile: { file: 'api_tokens.yml', field: 'api_key' },
  config: [{ file: 'config.yml', template: CONFIG }],
};
