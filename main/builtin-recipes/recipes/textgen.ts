import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST } from '../recipe-parts';

type Step = NonNullable<Extract<RecipeInput['install'], { strategy: 'git' }>['build']>[number];

// Its requirement files carry no torch; its own installer (one_click.py) puts torch first.
function variant(name: string, when: Step['when'], requirements: string, torchIndex?: string): Step[] {
  const index = torchIndex ? ['--index-url', torchIndex] : [];
  return [
    { name: `torch-${name}`, argv: ['{venvPython}', '-m', 'pip', 'install', 'torch==2.6.0', ...index], when },
    { name: `requirements-${name}`, argv: ['{venvPython}', '-m', 'pip', 'install', '-r', `requirements/full/${requirements}`], when },
  ];
}

/** Runs headless: only its OpenAI-compatible API (--api --nowebui), not the Gradio UI. */
export const textgen: RecipeInput = {
  id: 'textgen',
  aliases: ['text-generation-webui'],
  name: 'Text Generation WebUI',
  description:
    "oobabooga's text-generation-webui with its many loaders (llama.cpp, ExLlamaV2/V3, Transformers), run as its OpenAI-compatible API. The model is a file or folder name in the models folder.",
  homepage: 'https://github.com/oobabooga/text-generation-webui',
  repository: 'https://github.com/oobabooga/text-generation-webui',
  // A commit of the v3 layout (requirements/full/, user_data/).
  version: '9bb9ce079ef197cf935383243ff665ab24bfa554',
  defaultPort: 5000,
  portNote:
    '5000 is its API (--api); 7860 is the Gradio UI, which the manager does not start (--nowebui). The API binds 127.0.0.1 unless --listen is given, so {host} is not passed.',
  api: 'openai',
  platforms: [
    { os: 'linux', arch: ['x64'] },
    { os: 'win32', arch: ['x64'] },
    { os: 'darwin', arch: ['arm64'] },
  ],
  requirements: { gpu: { vendors: ['nvidia', 'apple'], required: false }, tools: [{ id: 'python3', min: '3.11' }] },
  installEstimate: { diskGiB: 8, minutes: 15 },
  install: {
    strategy: 'git',
    // Its prebuilt llama.cpp wheels are tagged for Python 3.11 only.
    python: '>=3.11,<3.12',
    build: [
      ...variant('cuda', { accelerator: ['nvidia'] }, 'requirements.txt', 'https://download.pytorch.org/whl/cu124'),
      ...variant('apple', { os: ['darwin'] }, 'requirements_apple_silicon.txt'),
      ...variant(
        'cpu',
        { os: ['linux', 'win32'], accelerator: ['amd', 'intel', 'none'] },
        'requirements_cpu_only.txt',
        'https://download.pytorch.org/whl/cpu',
      ),
    ],
  },
  modelInput: 'name',
  start: [
    {
      name: 'server',
      argv: ['{venvPython}', 'server.py', '--api', '--nowebui', '--api-port', '{port}', '--model-dir', '{modelsDir}', '--model', '{model}'],
    },
  ],
  health: { path: '/v1/internal/health', json: { status: 'ok' } },
  identify: [
    // Served whenever the API is (modules/api/script.py), so a server without it is not this one.
    {
      path: '/v1/internal/model/info',
      json: { model_name: { exists: true }, lora_names: { exists: true } },
      strength: 'strong',
      required: true,
    },
    // Jan and many small wrappers say owned_by "user" too.
    { path: '/v1/models', json: { 'data.0.owned_by': 'user' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
