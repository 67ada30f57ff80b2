import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST, compiledHere } from '../recipe-parts';

const BUILD = ['cargo', 'build', '--release', '--package', 'mistralrs-server'];

export const mistralrs: RecipeInput = {
  id: 'mistralrs',
  aliases: ['mistral-rs'],
  name: 'mistral.rs',
  description:
    'Rust inference engine: memory efficient and fast, with in-situ quantization. Built with CUDA or Metal when the machine has them; the model is a Hugging Face id or a local folder.',
  homepage: 'https://github.com/EricLBuehler/mistral.rs',
  repository: 'https://github.com/EricLBuehler/mistral.rs',
  version: 'v0.6.0',
  defaultPort: 8080,
  portNote:
    "The seed spec says 8080; current mistral.rs builds default to 1234 (LM Studio's port). The manager always passes --port, so 8080 keeps the spec; discovery finds a self-started mistral.rs on 1234 by its own endpoints.",
  api: 'openai',
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['arm64'] },
    { os: 'win32', arch: ['x64'] },
  ],
  requirements: compiledHere({ id: 'cargo', min: '1.86' }),
  installEstimate: { diskGiB: 4, minutes: 25 },
  install: {
    strategy: 'git',
    build: [
      { name: 'build-cuda', argv: [...BUILD, '--features', 'cuda'], when: { accelerator: ['nvidia'] } },
      { name: 'build-metal', argv: [...BUILD, '--features', 'metal'], when: { accelerator: ['apple'] } },
      { name: 'build', argv: BUILD, when: { accelerator: ['amd', 'intel', 'none'] } },
    ],
  },
  modelInput: 'name',
  start: [
    {
      name: 'server',
      // It binds 0.0.0.0 unless told otherwise.
      argv: ['{dataDir}/target/release/mistralrs-server', '--serve-ip', '{host}', '--port', '{port}', 'plain', '-m', '{model}'],
    },
  ],
  health: { path: '/health', bodyIncludes: 'OK' },
  identify: [
    { path: '/v1/system/info', status: [200], strength: 'strong' },
    // llama-swap's /health also says OK.
    { path: '/health', bodyIncludes: 'OK', strength: 'weak' },
    { path: '/v1/models', json: { 'data.0.id': 'default', 'data.0.owned_by': 'local' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
