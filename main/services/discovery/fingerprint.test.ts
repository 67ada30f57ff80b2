import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../../shared/recipe';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { answerKey, contradicts, identify, probeRequests, ruleMatches, type Answers, type HttpAnswer } from './fingerprint';

const CATALOG = BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input));
const answer = (status: number, body: string, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers,
  body,
  json: (() => {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  })(),
  latencyMs: 1,
});

describe('identify', () => {
  it('ignores status-only rules for a server that says 200 to any path (LM Studio answers unknown paths so)', () => {
    const answers: Answers = new Map(
      probeRequests(CATALOG).map(({ method, path }) => [
        answerKey(method, path),
        answer(200, '{"error":"Unexpected endpoint or method."}'),
      ]),
    );
    // mistral.rs's /v1/system/info rule asks for a 200 and nothing else.
    expect(identify(CATALOG, answers)?.recipe.id).toBe('mistralrs');
    expect(identify(CATALOG, answers, { answersAnything: true })).toBeUndefined();
  });

  it('lets a strong signal count as weak once a provider known to imitate it shows its own', () => {
    const ollamaAnswers: Answers = new Map([
      [answerKey('GET', '/api/version'), answer(200, '{"version":"0.9.0"}')],
      [answerKey('GET', '/'), answer(200, 'Ollama is running')],
    ]);
    expect(identify(CATALOG, ollamaAnswers)).toMatchObject({ recipe: { id: 'ollama' }, confidence: 'strong', version: '0.9.0' });

    const withLocalAi = new Map(ollamaAnswers).set(
      answerKey('GET', '/.well-known/localai.json'),
      answer(200, '{"version":"v3.7.0","endpoints":{}}'),
    );
    expect(identify(CATALOG, withLocalAi)).toMatchObject({ recipe: { id: 'localai' }, confidence: 'strong', version: 'v3.7.0' });
  });

  it('tells the built-in engine from the llama-server it imitates by its own Server header', () => {
    const props = answer(200, '{"build_info":"local-llm-manager-engine 0.1.0","model_path":"/m/x.gguf","total_slots":1}');
    const llama = new Map([
      [answerKey('GET', '/health'), answer(200, '{"status":"ok"}', { server: 'llama.cpp' })],
      [answerKey('GET', '/props'), props],
    ]);
    expect(identify(CATALOG, llama)?.recipe.id).toBe('llamacpp');
    const engine = new Map(llama).set(
      answerKey('GET', '/health'),
      answer(200, '{"status":"ok"}', { server: 'llama.cpp (Local LLM Manager engine)' }),
    );
    expect(identify(CATALOG, engine)?.recipe.id).toBe('engine');
  });

  it('takes a header whatever the status, but a body only from a success', () => {
    const llamacpp = CATALOG.find((r) => r.id === 'llamacpp')!;
    const [header, props] = llamacpp.identify;
    expect(ruleMatches(header!, answer(503, '{"error":{"message":"Loading model"}}', { server: 'llama.cpp' }))).toBe(true);
    expect(ruleMatches(props!, answer(500, '{"build_info":"x","total_slots":1}'))).toBe(false);
  });

  it('names every imitator by a recipe that exists', () => {
    const ids = new Set(CATALOG.map((r) => r.id));
    const named = CATALOG.flatMap((r) => r.identify.flatMap((rule) => rule.imitatedBy ?? []));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('names nobody on shared signals alone: owned_by "user" and a bare "OK" are everybody\'s', () => {
    const shared: Answers = new Map([
      [answerKey('GET', '/v1/models'), answer(200, '{"object":"list","data":[{"id":"m","object":"model","created":1,"owned_by":"user"}]}')],
      [answerKey('GET', '/health'), answer(200, 'OK')],
    ]);
    expect(identify(CATALOG, shared)).toBeUndefined();
    expect(identify(CATALOG, shared, { port: 1337 })).toBeUndefined();
  });

  it('takes out a provider whose required answer came back otherwise, but not for a lock, a 5xx or silence', () => {
    const ollamaRoot = CATALOG.find((r) => r.id === 'ollama')!.identify.find((rule) => rule.required)!;
    expect(contradicts(ollamaRoot, answer(302, ''))).toBe(true);
    expect(contradicts(ollamaRoot, answer(200, '<!doctype html><title>LocalAI</title>'))).toBe(true);
    expect(contradicts(ollamaRoot, answer(200, 'Ollama is running'))).toBe(false);
    for (const status of [401, 403, 500, 503]) expect(contradicts(ollamaRoot, answer(status, 'nope'))).toBe(false);
    expect(contradicts(ollamaRoot, undefined)).toBe(false);

    // A llama-swap answers Ollama's /api/version, and its own shape, but redirects "/".
    const swap: Answers = new Map([
      [answerKey('GET', '/api/version'), answer(200, '{"version":"v250","commit":"0bdb372","build_date":"2026-08-22"}')],
      [answerKey('GET', '/'), answer(302, '')],
    ]);
    expect(identify(CATALOG, swap)).toMatchObject({ recipe: { id: 'llama-swap' }, confidence: 'strong', version: 'v250' });
  });
});
