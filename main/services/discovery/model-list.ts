import type { ProviderRecipe } from '../../../shared/recipe';
import { bearer } from '../os/bearer';
import { jsonAt, parseJsonOrUndefined } from '../os/http-expect';
import { probeRequest } from '../os/probe-request';

/** A model list is read up to this size: Ollama with hundreds of models answers well under 1 MB. */
const MODEL_LIST_BYTES = 8 * 1024 * 1024;

export type ModelFormat = ProviderRecipe['models']['format'];

/**
 * Model names from a provider's model list, in the shape its recipe names: OpenAI's
 * `{data:[{id}]}`, Ollama's `{models:[{name}]}`, KoboldCpp's `{result:"koboldcpp/name"}`.
 * Undefined when the body is not that shape.
 */
export function parseModels(format: ModelFormat, json: unknown): string[] | undefined {
  switch (format) {
    case 'openai':
      return namesIn(jsonAt(json, 'data'), 'id');
    case 'ollama':
      return namesIn(jsonAt(json, 'models'), 'name') ?? namesIn(jsonAt(json, 'models'), 'model');
    case 'kobold': {
      const result = jsonAt(json, 'result');
      return typeof result === 'string' && result ? [result] : undefined;
    }
  }
}

/**
 * Asks a running provider for its models where its recipe says they are listed. Undefined when it
 * cannot say (no answer, an error status, another shape): models are a nicety, a provider that
 * cannot list them still serves.
 */
export async function fetchModelList(baseUrl: string, list: ProviderRecipe['models'], timeoutMs = 5000): Promise<string[] | undefined> {
  return (await listModels(baseUrl, list, { timeoutMs })).models;
}

/**
 * `fetchModelList` with the provider's key (when it has one), telling a locked list (401/403: no
 * key, or one it refused) from one that failed otherwise.
 */
export async function listModels(
  baseUrl: string,
  list: ProviderRecipe['models'],
  options: { timeoutMs?: number; apiKey?: string } = {},
): Promise<{ models?: string[]; lockedStatus?: number }> {
  try {
    const answer = await probeRequest(new URL(list.path, baseUrl), {
      timeoutMs: options.timeoutMs ?? 5000,
      headers: bearer(options.apiKey),
      maxBodyBytes: MODEL_LIST_BYTES,
    });
    if (answer.status === 401 || answer.status === 403) return { lockedStatus: answer.status };
    if (answer.status < 200 || answer.status >= 300) return {};
    return { models: parseModels(list.format, parseJsonOrUndefined(answer.body)) ?? [] };
  } catch {
    return {};
  }
}

/** Whether a body is OpenAI's model list: what an unknown server must answer to count as OpenAI-compatible. */
export function isOpenAiModelList(json: unknown): boolean {
  return Array.isArray(jsonAt(json, 'data')) && (jsonAt(json, 'object') === 'list' || parseModels('openai', json) !== undefined);
}

function namesIn(list: unknown, field: string): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const names = list.map((item) => jsonAt(item, field)).filter((name): name is string => typeof name === 'string' && name.length > 0);
  return names.length === list.length ? names : undefined;
}
