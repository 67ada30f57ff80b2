import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST, compiledHere } from '../recipe-parts';

/**
 * KoboldAI's maintained successor, built from source. Started without a backend flag it picks
 * CUDA, Metal or the CPU itself; the Python script needs only the standard library.
 */
export const koboldcpp: RecipeInput = {
  id: 'koboldcpp',
  aliases: ['koboldai'],
  name: 'KoboldCpp',
  description:
    'Writing-focused llama.cpp server with the KoboldAI API (creative writing, story generation) plus an OpenAI-compatible one. Successor of KoboldAI; the model is a GGUF file.',
  homepage: 'https://github.com/LostRuins/koboldcpp',
  repository: 'https://github.com/LostRuins/koboldcpp',
  version: 'v1.92.1',
  defaultPort: 5001,
  api: 'kobold',
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['x64', 'arm64'] },
  ],
  requirements: compiledHere({ id: 'make' }),
  installEstimate: { diskGiB: 0.6, minutes: 6 },
  install: {
    strategy: 'git',
    python: '>=3.8',
    build: [
      { name: 'build-cuda', argv: ['make', '-j4', 'LLAMA_CUBLAS=1'], when: { accelerator: ['nvidia'] } },
      // Metal is on by default on Apple Silicon.
      { name: 'build', argv: ['make', '-j4'], when: { accelerator: ['amd', 'apple', 'intel', 'none'] } },
    ],
  },
  modelInput: 'gguf',
  start: [
    {
      name: 'server',
      argv: ['{venvPython}', 'koboldcpp.py', '--model', '{model}', '--host', '{host}', '--port', '{port}', '--skiplauncher'],
    },
  ],
  health: { path: '/api/extra/version', json: { result: 'KoboldCpp' } },
  identify: [
    // Its request handler names itself on every answer; TabbyAPI's imitation comes from uvicorn.
    {
      path: '/api/extra/version',
      header: { name: 'Server', includes: 'ConcedoLlamaForKoboldServer' },
      strength: 'strong',
      required: true,
    },
    // TabbyAPI's Kobold API imitates this answer.
    { path: '/api/extra/version', json: { result: 'KoboldCpp' }, strength: 'weak', versionField: 'version' },
    { path: '/v1/models', json: { 'data.0.owned_by': 'koboldcpp' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
