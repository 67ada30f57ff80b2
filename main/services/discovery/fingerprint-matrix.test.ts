import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DISCOVERY_INTERVAL_SEC, type DiscoveryConfidence, type DiscoveryKind } from '../../../shared/discovery';
import { RecipeSchema } from '../../../shared/recipe';
import { FINGERPRINTS, serveFingerprint, type FingerprintKind } from '../../../test/fingerprint-stand-ins';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { createEngineServer } from '../../engine/server';
import { DiscoveryService } from './discovery';
import { examine } from './examine';
import { probeRequests } from './fingerprint';
import { LOOPBACK } from './targets';

const CATALOG = BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input));

/**
 * Probing must stay cheap: discovery repeats every few seconds on every server it knows. One round
 * of identify requests (the OpenAI model list among them) and the canary, then the named recipe's
 * health check; every recipe's model list is among the identify requests, so none goes out twice.
 */
const IDENTIFY_REQUESTS = probeRequests(CATALOG).length;
const REQUEST_BUDGET = IDENTIFY_REQUESTS + 2;

interface Row {
  row: string;
  kind: DiscoveryKind;
  providerId?: string;
  confidence?: DiscoveryConfidence;
  models?: string[];
  locked?: number;
}

/** What each server must be taken for: the exact verdict and confidence. */
const MATRIX: Array<Row & { server: FingerprintKind | 'engine' }> = [
  // Every catalog provider, answering as itself.
  { row: 'the built-in engine (loading its model)', server: 'engine', kind: 'provider', providerId: 'engine', confidence: 'strong' },
  { row: 'Ollama', server: 'ollama', kind: 'provider', providerId: 'ollama', confidence: 'strong', models: ['llama3.2:1b'] },
  {
    row: 'llama-server',
    server: 'llama-server',
    kind: 'provider',
    providerId: 'llamacpp',
    confidence: 'strong',
    models: ['qwen3-4b.gguf'],
  },
  { row: 'LM Studio', server: 'lmstudio', kind: 'provider', providerId: 'lmstudio', confidence: 'strong', models: ['qwen2.5-7b-instruct'] },
  { row: 'vLLM', server: 'vllm', kind: 'provider', providerId: 'vllm', confidence: 'strong', models: ['Qwen/Qwen3-0.6B'] },
  { row: 'LocalAI with API keys', server: 'localai-locked', kind: 'provider', providerId: 'localai', confidence: 'strong', locked: 401 },
  { row: 'FastChat', server: 'fastchat', kind: 'provider', providerId: 'fastchat', confidence: 'strong', models: ['vicuna-7b-v1.5'] },
  { row: 'text-generation-webui', server: 'textgen', kind: 'provider', providerId: 'textgen', confidence: 'strong' },
  { row: 'Jan', server: 'jan', kind: 'provider', providerId: 'jan', confidence: 'strong', models: ['Jan-v1-4B-Q4_K_M'] },
  { row: 'KoboldCpp', server: 'koboldcpp', kind: 'provider', providerId: 'koboldcpp', confidence: 'strong' },
  { row: 'GPT4All', server: 'gpt4all', kind: 'provider', providerId: 'gpt4all', confidence: 'strong', models: ['Llama 3.2 3B Instruct'] },
  { row: 'TabbyAPI with its API key', server: 'tabbyapi', kind: 'provider', providerId: 'tabbyapi', confidence: 'strong', locked: 401 },
  {
    row: 'MLX-LM',
    server: 'mlx-lm',
    kind: 'provider',
    providerId: 'mlx-lm',
    confidence: 'strong',
    models: ['mlx-community/Qwen3-4B-4bit'],
  },
  { row: 'mistral.rs', server: 'mistralrs', kind: 'provider', providerId: 'mistralrs', confidence: 'strong', models: ['default'] },
  // The documented imitations: the imitator is named by its own endpoint.
  { row: 'LocalAI answering as Ollama', server: 'localai-as-ollama', kind: 'provider', providerId: 'localai', confidence: 'strong' },
  {
    row: 'LocalAI answering as Ollama behind its API keys',
    server: 'localai-as-ollama-with-keys',
    kind: 'provider',
    providerId: 'localai',
    confidence: 'strong',
    locked: 401,
  },
  { row: 'LocalAI answering as vLLM', server: 'localai-as-vllm', kind: 'provider', providerId: 'localai', confidence: 'strong' },
  {
    row: 'TabbyAPI answering as KoboldCpp',
    server: 'tabbyapi-as-koboldcpp',
    kind: 'provider',
    providerId: 'tabbyapi',
    confidence: 'strong',
  },
  // Popular servers outside the built-in engines: llama-swap has a recipe of its own; the rest are unknown.
  {
    row: 'llama-swap',
    server: 'llama-swap',
    kind: 'provider',
    providerId: 'llama-swap',
    confidence: 'strong',
    models: ['gemma3-1b', 'qwen3-4b'],
  },
  {
    row: 'llama-swap before /api/version',
    server: 'llama-swap-2025',
    kind: 'provider',
    providerId: 'llama-swap',
    confidence: 'strong',
    models: ['gemma3-1b', 'qwen3-4b'],
  },
  { row: 'LiteLLM proxy', server: 'litellm-proxy', kind: 'openai-compatible', models: ['gpt-4o-mini', 'local-qwen'] },
  { row: 'an unknown OpenAI-compatible server', server: 'unknown-openai', kind: 'openai-compatible', models: ['mystery-7b'] },
  { row: 'a FastAPI wrapper with owned_by "user"', server: 'fastapi-wrapper', kind: 'openai-compatible', models: ['custom-llm'] },
];

const engines: Server[] = [];
afterEach(async () => {
  for (const server of engines.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The engine's own HTTP server (no model yet: /health says 503, as llama-server's does while loading). */
async function startEngine(): Promise<{ port: number; requests: string[] }> {
  const server = createEngineServer({ runtime: () => undefined, modelPath: '/models/qwen3-4b.gguf', version: 'matrix' });
  const requests: string[] = [];
  server.on('request', (req) => requests.push(`${req.method} ${req.url}`));
  engines.push(server);
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return { port: (server.address() as AddressInfo).port, requests };
}

async function start(server: FingerprintKind | 'engine') {
  return server === 'engine' ? startEngine() : serveFingerprint(FINGERPRINTS[server]);
}

describe('fingerprint matrix: every server named by its strongest own signal', () => {
  it.each(MATRIX)('$row → $kind $providerId ($confidence)', async ({ server, row, ...want }) => {
    const running = await start(server);
    const found = await examine(
      { host: LOOPBACK, port: running.port, key: `${LOOPBACK}:${running.port}`, sources: ['endpoint'] },
      CATALOG,
      2000,
    );
    expect(found, row).toBeDefined();
    expect({
      kind: found!.kind,
      providerId: found!.providerId,
      confidence: found!.confidence,
      ...(want.models ? { models: [...found!.models].sort() } : {}),
      ...(want.locked ? { locked: found!.locked?.status } : {}),
    }).toEqual({
      kind: want.kind,
      providerId: want.providerId,
      confidence: want.confidence,
      ...(want.models ? { models: want.models } : {}),
      ...(want.locked ? { locked: want.locked } : {}),
    });
    expect(found!.evidence.length > 0, `${row}: says why`).toBe(want.providerId !== undefined);
    expect(running.requests.length, `${row}: ${running.requests.join(', ')}`).toBeLessThanOrEqual(REQUEST_BUDGET);
  });

  it('asks every server the same small set of paths, once each', () => {
    // One more path here is one more request to every server on every scan: add one only for a signal no other gives.
    expect(IDENTIFY_REQUESTS).toBe(15);
  });

  it('routes the servers it cannot name, and llama-swap, through the gateway by their models', async () => {
    const swap = await serveFingerprint(FINGERPRINTS['llama-swap']);
    const litellm = await serveFingerprint(FINGERPRINTS['litellm-proxy']);
    const unknown = await serveFingerprint(FINGERPRINTS['unknown-openai']);
    const discovery = new DiscoveryService({
      recipes: () => CATALOG,
      ownPorts: () => new Map(),
      settings: () => ({
        endpoints: [swap, litellm, unknown].map((s) => `${LOOPBACK}:${s.port}`),
        intervalSec: DEFAULT_DISCOVERY_INTERVAL_SEC,
      }),
      scanDefaultPorts: false,
    });
    await discovery.scan();
    const upstreams = discovery.externalUpstreams().map(({ id, providerId, models, healthy }) => ({ id, providerId, models, healthy }));
    expect(upstreams.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        { id: `llama-swap@${LOOPBACK}:${swap.port}`, providerId: 'llama-swap', models: ['qwen3-4b', 'gemma3-1b'], healthy: true },
        {
          id: `openai-compatible@${LOOPBACK}:${litellm.port}`,
          providerId: 'openai-compatible',
          models: ['gpt-4o-mini', 'local-qwen'],
          healthy: true,
        },
        { id: `openai-compatible@${LOOPBACK}:${unknown.port}`, providerId: 'openai-compatible', models: ['mystery-7b'], healthy: true },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });
});
