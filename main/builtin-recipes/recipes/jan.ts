import type { RecipeInput } from '../../../shared/recipe';
import { ANY_GPU_NO_TOOLS, OPENAI_MODEL_LIST } from '../recipe-parts';

/** A desktop app whose API server is switched on inside the app; we detect and watch it. */
export const jan: RecipeInput = {
  id: 'jan',
  name: 'Jan',
  description:
    'Open-source local AI assistant for the desktop, with built-in RAG. Install it from jan.ai and turn on its Local API Server; the manager finds it and routes to it.',
  homepage: 'https://jan.ai',
  repository: 'https://github.com/janhq/jan',
  defaultPort: 1337,
  api: 'openai',
  platforms: [
    { os: 'darwin', arch: ['x64', 'arm64'] },
    { os: 'linux', arch: ['x64'] },
    { os: 'win32', arch: ['x64'] },
  ],
  requirements: ANY_GPU_NO_TOOLS,
  install: {
    strategy: 'external',
    downloadUrl: 'https://jan.ai/download',
    detect: {
      commands: [],
      paths: {
        darwin: ['/Applications/Jan.app', '~/Library/Application Support/Jan'],
        linux: ['/usr/bin/Jan', '/usr/bin/jan', '~/.local/share/Jan', '~/jan'],
        win32: ['~/AppData/Local/Programs/jan', '~/AppData/Local/Programs/Jan', '~/AppData/Roaming/Jan', '~/jan'],
      },
    },
  },
  start: [],
  startHint: 'Open Jan, go to Settings → Local API Server and press Start Server (port 1337 by default).',
  // The API lives under /v1; with an API key set, 401 still proves it is up.
  health: { path: '/v1/models', status: [200, 401] },
  identify: [
    // Jan's own API description, served without a key or a trusted Host (src-tauri/src/core/server/proxy.rs,
    // src-tauri/static/openapi.json). Read as text: the file is ~40 KiB and only its start matters.
    { path: '/openapi.json', bodyIncludes: 'Jan API Server Endpoints', strength: 'strong' },
    // Empty while no model is loaded; text-generation-webui and many wrappers say owned_by "user" too.
    { path: '/v1/models', json: { 'data.0.owned_by': 'user', 'data.0.created': 1 }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
