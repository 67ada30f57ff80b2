import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/**
 * Real HTTP servers on 127.0.0.1 answering each probe path as the real product answers it, for the
 * fingerprint matrix. Every answer comes from the product's own source or docs (provider-facts.md
 * and the files named beside each entry); a path the product does not serve gets its own 404 (or
 * whatever it answers to an unknown path). Nothing here calls our code.
 */
export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface Fingerprint {
  routes: Record<string, StandInAnswer>;
  /** The answer to every other path. */
  fallback: StandInAnswer;
  /** Sent with every answer (a `Server` header, say). */
  headers?: Record<string, string>;
}

const NOW = 1_764_400_000;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): StandInAnswer => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const text = (status: number, body: string, headers: Record<string, string> = {}): StandInAnswer => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  body,
});
const html = (body: string): StandInAnswer => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body });
const list = (models: Array<Record<string, unknown>>) => json(200, { object: 'list', data: models });
const model = (id: string, fields: Record<string, unknown> = {}) => ({ id, object: 'model', created: NOW, ...fields });

const FASTAPI_404 = json(404, { detail: 'Not Found' });
const UVICORN = { server: 'uvicorn' };
const GO_404 = text(404, '404 page not found\n');

const LOCALAI_JSON = {
  version: 'v4.2.0',
  endpoints: { models: '/v1/models', chat_completions: '/v1/chat/completions', embeddings: '/v1/embeddings' },
};
/** LocalAI (core/http/app.go): an unknown path asked for JSON gets its JSON 404. */
const LOCALAI_404 = json(404, { error: { code: 404, message: 'Not Found', type: '' } });
/** LocalAI's Ollama API (core/http/routes/ollama.go) is always on since v4.2.0; "/" only with LOCALAI_OLLAMA_API_ROOT_ENDPOINT. */
const LOCALAI_OLLAMA_API = {
  '/api/version': json(200, { version: '0.9.0' }),
  '/api/tags': json(200, { models: [{ name: 'qwen2.5-0.5b', model: 'qwen2.5-0.5b' }] }),
  '/api/ps': json(200, { models: [] }),
};
const LOCALAI_OPEN = {
  '/.well-known/localai.json': json(200, LOCALAI_JSON),
  '/version': json(200, { version: 'v4.2.0' }),
  '/healthz': { status: 200, body: '' },
  '/readyz': { status: 200, body: '' },
  '/v1/models': list([{ id: 'qwen2.5-0.5b', object: 'model' }]),
  '/': html('<!doctype html><title>LocalAI</title><div id="root"></div>'),
  ...LOCALAI_OLLAMA_API,
};

/** llama-swap (internal/server/server.go, api.go): OpenAI list owned_by "llama-swap", /health "OK", /running, "/" → /ui. */
const LLAMA_SWAP_MODELS = list([
  model('qwen3-4b', { owned_by: 'llama-swap', name: '', description: '', status: { value: 'unloaded' } }),
  model('gemma3-1b', { owned_by: 'llama-swap', name: '', description: '', status: { value: 'loaded' } }),
]);
const LLAMA_SWAP_BASE = {
  '/v1/models': LLAMA_SWAP_MODELS,
  '/models': LLAMA_SWAP_MODELS,
  '/health': text(200, 'OK'),
  '/running': json(200, {
    running: [{ model: 'gemma3-1b', state: 'ready', cmd: 'llama-server --port 5800', proxy: 'http://127.0.0.1:5800', ttl: 300 }],
  }),
  '/': { status: 302, headers: { Location: '/ui' }, body: '' },
  // Model-dispatched GET paths (/props among them) want a model; our Accept names text/plain, so it answers text.
  '/props': text(404, 'llama-swap: no model id could be identified'),
};

export const FINGERPRINTS = {
  // ollama/ollama server/routes.go; gin's 404.
  ollama: {
    routes: {
      '/': text(200, 'Ollama is running'),
      '/api/version': json(200, { version: '0.12.3' }),
      '/api/tags': json(200, { models: [{ name: 'llama3.2:1b', model: 'llama3.2:1b', size: 1321098329 }] }),
      '/api/ps': json(200, { models: [] }),
      '/v1/models': list([model('llama3.2:1b', { owned_by: 'library' })]),
    },
    fallback: GO_404,
  },
  // llama.cpp tools/server: every answer names itself; /metrics is 501 unless started with --metrics.
  'llama-server': {
    headers: { Server: 'llama.cpp' },
    routes: {
      '/health': json(200, { status: 'ok' }),
      '/props': json(200, { build_info: 'b6700-3df2244d', model_path: '/models/qwen3-4b.gguf', total_slots: 1 }),
      '/v1/models': list([model('qwen3-4b.gguf', { owned_by: 'llamacpp' })]),
      '/metrics': json(501, {
        error: { code: 501, message: 'This server does not support metrics endpoint.', type: 'not_supported_error' },
      }),
      '/': html('<!doctype html><title>llama.cpp - chat</title>'),
    },
    fallback: json(404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } }),
  },
  // LM Studio: unknown paths get an error body with status 200 ("Returning 200 anyway").
  lmstudio: {
    routes: {
      '/lmstudio-greeting': json(200, { lmstudio: true }),
      '/v1/models': list([model('qwen2.5-7b-instruct', { owned_by: 'organization_owner' })]),
      '/api/v1/models': json(200, { models: [{ type: 'llm', key: 'qwen2.5-7b-instruct' }] }),
    },
    fallback: json(200, { error: 'Unexpected endpoint or method.' }),
  },
  // vLLM's FastAPI server (vllm/entrypoints/openai/api_server.py).
  vllm: {
    headers: UVICORN,
    routes: {
      '/health': { status: 200, body: '' },
      '/version': json(200, { version: '0.11.0' }),
      '/v1/models': list([model('Qwen/Qwen3-0.6B', { owned_by: 'vllm', root: 'Qwen/Qwen3-0.6B', parent: null, max_model_len: 4096 })]),
      '/metrics': text(
        200,
        '# HELP vllm:num_requests_running Number of requests in model execution batches.\nvllm:num_requests_running 0.0\n',
      ),
    },
    fallback: FASTAPI_404,
  },
  // LocalAI with API keys (core/http/auth): only its public routes answer without one.
  'localai-locked': {
    routes: {
      '/.well-known/localai.json': json(200, LOCALAI_JSON),
      '/healthz': { status: 200, body: '' },
      '/readyz': { status: 200, body: '' },
      '/': html('<!doctype html><title>LocalAI</title><div id="root"></div>'),
    },
    fallback: json(401, { error: { code: 401, message: 'Authentication required', type: 'authentication_error' } }),
  },
  // LocalAI answering vLLM's identity: /version with a version, as vLLM's /version does.
  'localai-as-vllm': { routes: LOCALAI_OPEN, fallback: LOCALAI_404 },
  // LocalAI with its Ollama root endpoint on: "/" and /api/version as Ollama answers them.
  'localai-as-ollama': { routes: { ...LOCALAI_OPEN, '/': text(200, 'Ollama is running') }, fallback: LOCALAI_404 },
  // LocalAI v4.2 to mid-2026 with legacy API keys and its Ollama root endpoint on: keys guarded only
  // /api/*, /v1/*, /metrics and a few more prefixes (core/http/auth/middleware.go isAPIPath before
  // #11602); the rest, "/" and its own discovery document among them, stayed open.
  'localai-as-ollama-with-keys': {
    routes: {
      '/': text(200, 'Ollama is running'),
      '/.well-known/localai.json': json(200, LOCALAI_JSON),
      '/version': json(200, { version: 'v4.2.0' }),
      '/healthz': { status: 200, body: '' },
      '/readyz': { status: 200, body: '' },
      ...Object.fromEntries(
        [
          '/api/version',
          '/api/tags',
          '/api/ps',
          '/v1/models',
          '/v1/system/info',
          '/v1/internal/model/info',
          '/api/extra/version',
          '/metrics',
        ].map((path) => [
          path,
          json(
            401,
            { error: { code: 401, message: 'An authentication key is required', type: 'invalid_request_error' } },
            { 'WWW-Authenticate': 'Bearer' },
          ),
        ]),
      ),
    },
    fallback: LOCALAI_404,
  },
  // FastChat's OpenAI API server (fastchat/serve/openai_api_server.py).
  fastchat: {
    headers: UVICORN,
    routes: { '/v1/models': list([model('vicuna-7b-v1.5', { owned_by: 'fastchat', root: 'vicuna-7b-v1.5', parent: null })]) },
    fallback: FASTAPI_404,
  },
  // text-generation-webui modules/api (models.py: created 0, owned_by "user"; script.py: /v1/internal/*).
  textgen: {
    headers: UVICORN,
    routes: {
      '/v1/models': list([{ id: 'Qwen3-4B-Q4_K_M.gguf', object: 'model', created: 0, owned_by: 'user' }]),
      '/v1/internal/model/info': json(200, { model_name: 'Qwen3-4B-Q4_K_M.gguf', lora_names: [], loader: 'llama.cpp' }),
      '/v1/internal/health': json(200, { status: 'ok' }),
    },
    fallback: FASTAPI_404,
  },
  // Jan src-tauri/src/core/server/proxy.rs: /v1 prefix, created 1 / owned_by "user", "/" Swagger
  // HTML, /openapi.json (src-tauri/static/openapi.json), plain "Not Found" otherwise, no Server header.
  jan: {
    routes: {
      '/v1/models': list([{ id: 'Jan-v1-4B-Q4_K_M', object: 'model', created: 1, owned_by: 'user' }]),
      '/': html('<!DOCTYPE html><html lang="en"><head><title>API Docs</title></head><body><div id="swagger-ui"></div></body></html>'),
      '/openapi.json': json(200, {
        openapi: '3.0.0',
        info: { title: 'Jan API Server Endpoints', description: 'Jan API server provides a REST API interface', version: '1.0' },
        servers: [{ url: 'http://localhost:1337/v1', description: 'Jan API server' }],
        paths: {},
      }),
    },
    fallback: text(404, 'Not Found'),
  },
  // KoboldCpp names itself in every Server header; it imitates Ollama's /api/tags.
  koboldcpp: {
    headers: { Server: 'ConcedoLlamaForKoboldServer' },
    routes: {
      '/api/extra/version': json(200, { result: 'KoboldCpp', version: '1.98.1', protected: false, txt2img: false }),
      '/api/v1/model': json(200, { result: 'koboldcpp/tiny-llama' }),
      '/v1/models': list([model('koboldcpp/tiny-llama', { owned_by: 'koboldcpp', permission: [], root: 'koboldcpp' })]),
      '/api/tags': json(200, { models: [{ name: 'koboldcpp/tiny-llama', model: 'koboldcpp/tiny-llama' }] }),
      '/': html('<!doctype html><title>KoboldAI Lite</title>'),
    },
    fallback: json(404, { detail: { error: 'Unknown endpoint' } }),
  },
  // GPT4All's local server: OpenAI models owned_by "humanity", nothing else to probe.
  gpt4all: {
    routes: { '/v1/models': list([model('Llama 3.2 3B Instruct', { owned_by: 'humanity', root: 'Llama 3.2 3B Instruct', parent: null })]) },
    fallback: { status: 404, body: '' },
  },
  // TabbyAPI with its default API key: /v1/models wants it; /.well-known/serviceinfo and /health do not.
  tabbyapi: {
    headers: UVICORN,
    routes: {
      '/.well-known/serviceinfo': json(200, {
        version: 0.1,
        software: { name: 'TabbyAPI', version: '0.0.1' },
        api: { openai: { name: 'OpenAI API', version: '1' } },
      }),
      '/health': json(200, { status: 'healthy', issues: [] }),
      '/v1/models': json(401, { detail: 'Please provide an API key' }),
    },
    fallback: FASTAPI_404,
  },
  // TabbyAPI with its key off and its Kobold API on, which imitates KoboldCpp's version answer.
  'tabbyapi-as-koboldcpp': {
    headers: UVICORN,
    routes: {
      '/.well-known/serviceinfo': json(200, {
        version: 0.1,
        software: { name: 'TabbyAPI', version: '0.0.1' },
        api: { openai: { name: 'OpenAI API', version: '1' } },
      }),
      '/health': json(200, { status: 'healthy', issues: [] }),
      '/v1/models': list([model('Qwen3-8B-exl3', { owned_by: 'tabbyAPI' })]),
      '/api/extra/version': json(200, { result: 'KoboldCpp', version: '1.74' }),
      '/api/v1/model': json(200, { result: 'koboldcpp/Qwen3-8B-exl3' }),
    },
    fallback: FASTAPI_404,
  },
  // mlx_lm/server.py: Python's BaseHTTPRequestHandler, /health and /v1/models*, a "Not Found" body (typed JSON) otherwise.
  'mlx-lm': {
    headers: { Server: 'BaseHTTP/0.6 Python/3.12.7' },
    routes: {
      '/health': json(200, { status: 'ok' }),
      '/v1/models': list([{ id: 'mlx-community/Qwen3-4B-4bit', object: 'model', created: NOW }]),
    },
    fallback: { status: 404, headers: { 'Content-type': 'application/json' }, body: 'Not Found' },
  },
  // mistral.rs (mistralrs-server-core/src/route_registry.rs): /health "OK", /v1/system/info, model "default".
  // The rule reads only the status of /v1/system/info, so its body here is an empty object.
  mistralrs: {
    routes: {
      '/health': text(200, 'OK'),
      '/v1/system/info': json(200, {}),
      '/v1/models': list([model('default', { owned_by: 'local' })]),
    },
    fallback: { status: 404, body: '' },
  },
  // llama-swap v173 and later: GET /api/version {version, commit, build_date} (internal/server/apigroup.go),
  // llamaswap_* Prometheus names on /metrics (internal/perf/prometheus.go).
  'llama-swap': {
    routes: {
      ...LLAMA_SWAP_BASE,
      '/api/version': json(200, { version: 'v250', commit: '0bdb372', build_date: '2026-08-22T16:29:57Z' }),
      '/metrics': text(200, '# HELP llamaswap_memory_total_bytes Total memory in bytes\nllamaswap_memory_total_bytes 68719476736\n'),
    },
    fallback: GO_404,
  },
  // llama-swap before v173 (March–November 2025): no /api/version, no /metrics.
  'llama-swap-2025': { routes: LLAMA_SWAP_BASE, fallback: GO_404 },
  // LiteLLM proxy without a master key (docs.litellm.ai/docs/proxy/health): FastAPI, Swagger UI at "/",
  // /health/liveliness "I'm alive!", /health runs the configured models' checks; models owned_by "openai".
  'litellm-proxy': {
    headers: UVICORN,
    routes: {
      '/v1/models': list([model('gpt-4o-mini', { owned_by: 'openai' }), model('local-qwen', { owned_by: 'openai' })]),
      '/models': list([model('gpt-4o-mini', { owned_by: 'openai' }), model('local-qwen', { owned_by: 'openai' })]),
      '/health/liveliness': json(200, "I'm alive!"),
      '/health/readiness': json(200, { status: 'healthy', db: 'Not connected', cache: null, litellm_version: '1.79.0' }),
      '/health': json(200, { healthy_endpoints: [{ model: 'local-qwen' }], unhealthy_endpoints: [], healthy_count: 1, unhealthy_count: 0 }),
      '/': html('<!DOCTYPE html><html><head><title>LiteLLM API - Swagger UI</title></head><body><div id="swagger-ui"></div></body></html>'),
    },
    fallback: FASTAPI_404,
  },
  // An OpenAI-compatible server no recipe describes.
  'unknown-openai': {
    routes: { '/v1/models': list([model('mystery-7b', { owned_by: 'acme' })]) },
    fallback: json(404, { error: { message: 'not found', type: 'invalid_request_error' } }),
  },
  // A small FastAPI wrapper of the kind many people write: owned_by "user" like Jan and
  // text-generation-webui, a /health with status ok, nothing of its own.
  'fastapi-wrapper': {
    headers: UVICORN,
    routes: {
      '/v1/models': list([model('custom-llm', { owned_by: 'user' })]),
      '/health': json(200, { status: 'ok' }),
    },
    fallback: FASTAPI_404,
  },
} satisfies Record<string, Fingerprint>;

export type FingerprintKind = keyof typeof FINGERPRINTS;

export interface FingerprintServer {
  port: number;
  /** `METHOD /path` of every request it was sent, in order. */
  requests: string[];
  close(): Promise<void>;
}

const open: Server[] = [];

/** Serves a fingerprint on 127.0.0.1 (a free port) until the current test ends. */
export async function serveFingerprint(fingerprint: Fingerprint): Promise<FingerprintServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    const answer = fingerprint.routes[path] ?? fingerprint.fallback;
    res.writeHead(answer.status, { ...fingerprint.headers, ...answer.headers });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(server);
  return { port: (server.address() as AddressInfo).port, requests, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all(open.splice(0).map(closeServer));
});
