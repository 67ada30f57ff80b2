import type { RecipeInput } from '../../../shared/recipe';
import { ANY_GPU_NO_TOOLS, OPENAI_MODEL_LIST } from '../recipe-parts';

/**
 * The app's own llama.cpp provider (node-llama-cpp, main/engine/), started by the supervisor as its
 * own process like any other. It loads the GGUF chosen in settings, else the first in models/.
 */
export const engine: RecipeInput = {
  id: 'engine',
  name: 'Built-in engine',
  description:
    'The llama.cpp engine that ships with Local LLM Manager: nothing to install, runs GGUF models with CUDA, Vulkan or Metal when present.',
  homepage: 'https://github.com/helixcode/local-llm-manager',
  defaultPort: 8090,
  portNote:
    'No provider in provider-facts.md defaults to 8090, and it is below the Linux ephemeral range (32768+), so an outgoing connection never holds it; the manager moves it when taken anyway.',
  api: 'openai',
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['x64', 'arm64'] },
    { os: 'win32', arch: ['x64', 'arm64'] },
  ],
  requirements: ANY_GPU_NO_TOOLS,
  install: { strategy: 'builtin' },
  start: [
    {
      name: 'server',
      // {node}: plain node headless; in the desktop app an Electron utility process (the host's node launcher).
      argv: ['{node}', '{engineEntry}', '--host', '{host}', '--port', '{port}', '--models-dir', '{modelsDir}'],
    },
  ],
  // 78 (EX_CONFIG): no model, or a model that is missing, not GGUF or truncated. Restarting cannot fix that.
  fatalExitCodes: [78],
  modelInput: 'gguf',
  health: { path: '/health', json: { status: 'ok' } },
  identify: [{ path: '/health', header: { name: 'Server', includes: 'Local LLM Manager engine' }, strength: 'strong' }],
  models: OPENAI_MODEL_LIST,
};
