import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST, compiledHere } from '../recipe-parts';

const CONFIGURE = ['cmake', '-S', '.', '-B', 'build', '-DCMAKE_BUILD_TYPE=Release', '-DLLAMA_CURL=OFF'];

/**
 * llama.cpp's llama-server built from a pinned build tag: CUDA on NVIDIA, Metal on Apple Silicon
 * (its default there), CPU otherwise. Models are GGUF files; the manager downloads them, so no curl.
 */
export const llamacpp: RecipeInput = {
  id: 'llamacpp',
  aliases: ['llama-server', 'llama-cpp'],
  name: 'llama.cpp server',
  description:
    "llama.cpp's own OpenAI-compatible server (llama-server), built from source for this machine's GPU. The model is a GGUF file.",
  homepage: 'https://github.com/ggml-org/llama.cpp',
  repository: 'https://github.com/ggml-org/llama.cpp',
  version: 'b6500',
  defaultPort: 8080,
  api: 'openai',
  // Windows' multi-config builds put the binary elsewhere; the built-in engine covers Windows.
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['x64', 'arm64'] },
  ],
  requirements: compiledHere({ id: 'cmake', min: '3.14' }),
  installEstimate: { diskGiB: 0.5, minutes: 6 },
  install: {
    strategy: 'git',
    build: [
      { name: 'configure-cuda', argv: [...CONFIGURE, '-DGGML_CUDA=ON'], when: { accelerator: ['nvidia'] } },
      { name: 'configure', argv: CONFIGURE, when: { accelerator: ['amd', 'apple', 'intel', 'none'] } },
      { name: 'build', argv: ['cmake', '--build', 'build', '--config', 'Release', '-j', '8', '--target', 'llama-server'] },
    ],
  },
  modelInput: 'gguf',
  start: [
    {
      name: 'server',
      argv: ['{dataDir}/build/bin/llama-server', '--host', '{host}', '--port', '{port}', '--model', '{model}', '--metrics'],
    },
  ],
  // 503 while the model loads, then 200 {"status":"ok"}.
  health: { path: '/health', json: { status: 'ok' } },
  identify: [
    // The built-in engine speaks llama-server's dialect on purpose; its own Server header tells it apart.
    { path: '/health', header: { name: 'Server', includes: 'llama.cpp' }, strength: 'strong', imitatedBy: ['engine'] },
    {
      path: '/props',
      json: { build_info: { exists: true }, total_slots: { exists: true } },
      strength: 'strong',
      imitatedBy: ['engine'],
      versionField: 'build_info',
    },
    { path: '/metrics', bodyIncludes: 'llamacpp:', strength: 'strong' },
    { path: '/v1/models', json: { 'data.0.owned_by': 'llamacpp' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
