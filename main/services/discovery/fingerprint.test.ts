import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../../shared/recipe';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { answerKey, identify, probeRequests, ruleMatches, type Answers, type HttpAnswer } from './fingerprint';

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
});
