import type { RecipeInput } from '../../../shared/recipe';

/**
 * The app's own llama.cpp provider (node-llama-cpp), started by the supervisor as its own process
 * like any other. The `local-llm-engine` command lands with the engine itself in a later issue.
 */
export const engine: RecipeInput = {
  id: 'engine',
  name: 'Built-in engine',
  description:
    'The llama.cpp engine that ships with Local LLM Manager: nothing to install, runs GGUF models with CUDA, Vulkan or Metal when present. (Arrives in a later release; until then it cannot start.)',
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
  requirements: { gpu: { vendors: ['nvidia', 'amd', 'apple', 'intel'], required: false }, tools: [] },
  install: { strategy: 'builtin' },
  start: [{ name: 'server', argv: ['local-llm-engine', '--host', '{host}', '--port', '{port}', '--model', '{model}'] }],
  health: { path: '/health' },
  identify: [],
  models: { path: '/v1/models', format: 'openai' },
};
