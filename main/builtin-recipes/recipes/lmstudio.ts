import type { RecipeInput } from '../../../shared/recipe';
import { ANY_GPU_NO_TOOLS, OPENAI_MODEL_LIST } from '../recipe-parts';

/**
 * A desktop app we detect, not install. `lms server start` returns once LM Studio's own service
 * serves the port, so the server outlives that command; `lms server stop` ends it.
 */
export const lmstudio: RecipeInput = {
  id: 'lmstudio',
  name: 'LM Studio',
  description:
    'User-friendly desktop app with built-in model management and GPU acceleration. Install it from lmstudio.ai; the manager starts and stops its server with the lms command-line tool.',
  homepage: 'https://lmstudio.ai',
  defaultPort: 1234,
  api: 'openai',
  platforms: [
    { os: 'darwin', arch: ['arm64'] },
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'win32', arch: ['x64', 'arm64'] },
  ],
  requirements: ANY_GPU_NO_TOOLS,
  install: {
    strategy: 'external',
    downloadUrl: 'https://lmstudio.ai/download',
    detect: {
      commands: ['lms'],
      paths: {
        darwin: ['/Applications/LM Studio.app', '~/.lmstudio', '~/.cache/lm-studio'],
        linux: ['~/.lmstudio', '~/.cache/lm-studio'],
        win32: ['~/AppData/Local/Programs/LM Studio', '~/.lmstudio', '~/.cache/lm-studio'],
      },
    },
  },
  start: [{ name: 'server', argv: ['lms', 'server', 'start', '--port', '{port}'] }],
  stop: ['lms', 'server', 'stop'],
  health: { path: '/lmstudio-greeting', json: { lmstudio: true } },
  identify: [
    { path: '/lmstudio-greeting', json: { lmstudio: true }, strength: 'strong' },
    { path: '/v1/models', json: { 'data.0.owned_by': 'organization_owner' }, strength: 'weak' },
  ],
  models: OPENAI_MODEL_LIST,
};
