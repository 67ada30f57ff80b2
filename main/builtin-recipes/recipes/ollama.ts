import type { RecipeInput } from '../../../shared/recipe';

/**
 * External, not a binary we download: Ollama's installers set up GPU runtimes, a system service
 * and self-updates, most users already have it, and reusing their install keeps their models.
 * We run our own `ollama serve` on the port we pick, beside any instance the app already runs.
 */
export const ollama: RecipeInput = {
  id: 'ollama',
  name: 'Ollama',
  description:
    'Popular local model runner with its own model library (ollama pull) and an Ollama plus OpenAI-compatible API. Install it from ollama.com; the manager runs "ollama serve" and uses your pulled models.',
  homepage: 'https://ollama.com',
  repository: 'https://github.com/ollama/ollama',
  defaultPort: 11434,
  api: 'ollama',
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['x64', 'arm64'] },
    { os: 'win32', arch: ['x64', 'arm64'] },
  ],
  requirements: { gpu: { vendors: ['nvidia', 'amd', 'apple'], required: false }, tools: [] },
  install: {
    strategy: 'external',
    downloadUrl: 'https://ollama.com/download',
    detect: {
      commands: ['ollama'],
      paths: {
        darwin: ['/Applications/Ollama.app'],
        linux: ['/usr/local/bin/ollama', '/usr/bin/ollama'],
        win32: ['~/AppData/Local/Programs/Ollama/ollama.exe'],
      },
    },
  },
  start: [{ name: 'server', argv: ['ollama', 'serve'], env: { OLLAMA_HOST: '{host}:{port}' } }],
  health: { path: '/', bodyIncludes: 'Ollama is running' },
  identify: [
    // LocalAI can imitate both of these (version "0.9.0"); its own /.well-known/localai.json tells them apart.
    // llama-swap (v173 on) answers /api/version with a version too, but redirects "/" to its UI.
    {
      path: '/api/version',
      json: { version: { exists: true } },
      strength: 'strong',
      imitatedBy: ['localai', 'llama-swap'],
      versionField: 'version',
    },
    // Every Ollama answers "/" so (server/routes.go), whatever else a server shares with it.
    { path: '/', bodyIncludes: 'Ollama is running', strength: 'strong', imitatedBy: ['localai'], required: true },
    // LocalAI and KoboldCpp answer /api/tags too.
    { path: '/api/tags', json: { models: { exists: true } }, strength: 'weak' },
  ],
  models: { path: '/api/tags', format: 'ollama' },
};
