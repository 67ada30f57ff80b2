import type { RecipeInput } from '../../../shared/recipe';
import { OPENAI_MODEL_LIST } from '../recipe-parts';

const CONTROLLER_UP: RecipeInput['health'] = { path: '/test_connection', method: 'POST', port: 'controller', bodyIncludes: 'success' };

/**
 * Three processes make one provider: the controller, a model worker that registers with it, and
 * the OpenAI-compatible API server that asks the controller where models are.
 */
export const fastchat: RecipeInput = {
  id: 'fastchat',
  name: 'FastChat',
  description:
    "LMSYS's training and serving platform (Vicuna). Runs a controller, a model worker on an NVIDIA GPU and an OpenAI-compatible API server; the model is a Hugging Face id or folder.",
  homepage: 'https://github.com/lm-sys/FastChat',
  repository: 'https://github.com/lm-sys/FastChat',
  version: 'v0.2.36',
  defaultPort: 8000,
  portNote:
    "The seed spec lists 7860, which is FastChat's Gradio web UI (fastchat.serve.gradio_web_server), not an API. The OpenAI-compatible server the gateway needs (fastchat.serve.openai_api_server) defaults to 8000; the controller (21001) and model worker (21002) are extra ports.",
  extraPorts: { controller: 21001, worker: 21002 },
  api: 'openai',
  platforms: [
    { os: 'linux', arch: ['x64'] },
    { os: 'win32', arch: ['x64'] },
  ],
  // The model worker defaults to --device cuda; CPU and Apple (mps) need flags per machine.
  requirements: { gpu: { vendors: ['nvidia'], required: true }, tools: [{ id: 'python3', min: '3.10' }] },
  // FastChat 0.2.36 breaks on pydantic 2 (lm-sys/FastChat#3356).
  installEstimate: { diskGiB: 6, minutes: 8 },
  install: { strategy: 'python', packages: ['fschat[model_worker]==0.2.36', 'pydantic<2'], python: '>=3.10,<3.12' },
  modelInput: 'name',
  start: [
    {
      name: 'controller',
      argv: ['{venvPython}', '-m', 'fastchat.serve.controller', '--host', '{host}', '--port', '{ports.controller}'],
      readyCheck: CONTROLLER_UP,
    },
    {
      name: 'worker',
      argv: [
        '{venvPython}',
        '-m',
        'fastchat.serve.model_worker',
        '--host',
        '{host}',
        '--port',
        '{ports.worker}',
        '--worker-address',
        'http://{host}:{ports.worker}',
        '--controller-address',
        'http://{host}:{ports.controller}',
        '--model-path',
        '{model}',
      ],
      // The worker answers once its model is loaded; only then may the API server start.
      readyCheck: { path: '/worker_get_status', method: 'POST', port: 'worker', timeoutMs: 5000 },
    },
    {
      name: 'api',
      argv: [
        '{venvPython}',
        '-m',
        'fastchat.serve.openai_api_server',
        '--host',
        '{host}',
        '--port',
        '{port}',
        '--controller-address',
        'http://{host}:{ports.controller}',
      ],
    },
  ],
  // The API server answers before any worker registered; ready means a model is listed.
  health: { path: '/v1/models', json: { 'data.0.id': { exists: true } }, timeoutMs: 5000 },
  identify: [{ path: '/v1/models', json: { 'data.0.owned_by': 'fastchat' }, strength: 'strong' }],
  models: OPENAI_MODEL_LIST,
};
