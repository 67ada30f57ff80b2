import type { RecipeInput } from '../../../shared/recipe';
import { ANY_GPU_NO_TOOLS, OPENAI_MODEL_LIST } from '../recipe-parts';

/**
 * A peer proxy many people already run in front of their llama-servers: one OpenAI endpoint that
 * starts and swaps models from the user's own config.yaml. We detect it and route to its models;
 * it stays the user's to start, configure and update. Facts from github.com/mostlygeek/llama-swap
 * (internal/server/server.go, api.go, apigroup.go; scripts/install.sh; .goreleaser.yaml).
 */
export const llamaSwap: RecipeInput = {
  id: 'llama-swap',
  name: 'llama-swap',
  description:
    'A proxy that serves many models from one OpenAI-compatible endpoint, starting and swapping llama-server (or any server) per request from its config.yaml. Install it from its releases, Homebrew or WinGet; the manager finds it and routes to its models.',
  homepage: 'https://github.com/mostlygeek/llama-swap',
  repository: 'https://github.com/mostlygeek/llama-swap',
  defaultPort: 8080,
  portNote:
    'llama-swap listens on :8080 unless given --listen (its install script uses 127.0.0.1:8080), the same default as llama-server, LocalAI and MLX-LM; discovery tells them apart by what answers.',
  api: 'openai',
  // Its releases: linux, darwin, windows (amd64 only) and freebsd, which we do not run on.
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['x64', 'arm64'] },
    { os: 'win32', arch: ['x64'] },
  ],
  requirements: ANY_GPU_NO_TOOLS,
  install: {
    strategy: 'external',
    downloadUrl: 'https://github.com/mostlygeek/llama-swap/releases',
    detect: {
      commands: ['llama-swap'],
      paths: {
        // scripts/install.sh; Homebrew on Apple silicon and Linux.
        linux: ['/usr/local/bin/llama-swap', '/home/linuxbrew/.linuxbrew/bin/llama-swap', '/usr/share/llama-swap/config.yaml'],
        darwin: ['/opt/homebrew/bin/llama-swap', '/usr/local/bin/llama-swap'],
        win32: ['~/AppData/Local/Microsoft/WinGet/Links/llama-swap.exe'],
      },
    },
  },
  start: [],
  startHint:
    'Start it with your own config: llama-swap --config path/to/config.yaml --listen 127.0.0.1:8080 (or its systemd service, llama-swap.service).',
  // GET /health answers "OK" without an API key, whatever its config.
  health: { path: '/health', bodyIncludes: 'OK' },
  identify: [
    // Its model list names it as the owner of every model (handleListModels).
    { path: '/v1/models', json: { 'data.0.owned_by': 'llama-swap' }, strength: 'strong' },
    // v173 on: build metadata with a commit and a build date, a shape of its own (Ollama's has a version only).
    {
      path: '/api/version',
      json: { version: { exists: true }, commit: { exists: true }, build_date: { exists: true } },
      strength: 'strong',
      versionField: 'version',
    },
    // mistral.rs answers "OK" too.
    { path: '/health', bodyIncludes: 'OK', strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
