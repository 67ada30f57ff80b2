import type { RecipeInput } from '../../../shared/recipe';
import { ANY_GPU_NO_TOOLS, OPENAI_MODEL_LIST } from '../recipe-parts';

/** A desktop app whose API server is off until enabled in its settings; we detect and watch it. */
export const gpt4all: RecipeInput = {
  id: 'gpt4all',
  name: 'GPT4All',
  description:
    "Nomic's CPU-friendly desktop chat app with lightweight models. Install it from nomic.ai and enable its Local API Server; it listens on 127.0.0.1 only.",
  homepage: 'https://www.nomic.ai/gpt4all',
  repository: 'https://github.com/nomic-ai/gpt4all',
  defaultPort: 4891,
  api: 'openai',
  platforms: [
    { os: 'darwin', arch: ['x64', 'arm64'] },
    { os: 'linux', arch: ['x64'] },
    { os: 'win32', arch: ['x64', 'arm64'] },
  ],
  requirements: ANY_GPU_NO_TOOLS,
  install: {
    strategy: 'external',
    downloadUrl: 'https://www.nomic.ai/gpt4all',
    detect: {
      commands: [],
      paths: {
        darwin: ['/Applications/gpt4all', '~/Library/Application Support/nomic.ai/GPT4All'],
        linux: ['~/gpt4all/bin/chat', '~/.local/share/nomic.ai/GPT4All'],
        win32: ['~/gpt4all/bin/chat.exe', '~/AppData/Local/nomic.ai/GPT4All'],
      },
    },
  },
  start: [],
  startHint: 'Open GPT4All, go to Settings → Application → Advanced and tick "Enable Local API Server" (port 4891).',
  // GPT4All has no health endpoint; the model list is the cheapest answer it gives.
  health: { path: '/v1/models' },
  identify: [{ path: '/v1/models', json: { 'data.0.owned_by': 'humanity' }, strength: 'strong' }],
  models: OPENAI_MODEL_LIST,
};
