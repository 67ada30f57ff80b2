import type { DiscoveryConfidence } from '../../../shared/discovery';
import type { IdentifyRule, ProviderRecipe } from '../../../shared/recipe';
import { jsonAt, jsonMismatch } from '../os/http-expect';

/** What one server said to one probe. */
export interface HttpAnswer {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The first 64 KiB. */
  body: string;
  json: unknown;
  latencyMs: number;
}

/** Answers by `METHOD /path`; a missing entry means no answer (timeout, reset). */
export type Answers = Map<string, HttpAnswer>;

export const answerKey = (method: string, path: string): string => `${method} ${path}`;

export interface Identification {
  recipe: ProviderRecipe;
  /** Only a provider's own signal names it; shared ones alone name nobody. */
  confidence: Extract<DiscoveryConfidence, 'strong'>;
  /** The matched rules in words, strongest first. */
  evidence: string[];
  version?: string;
}

/** Every (method, path) some recipe's identify rules read, so one round of probes serves them all. */
export function probeRequests(recipes: readonly ProviderRecipe[]): Array<{ method: 'GET' | 'POST'; path: string }> {
  const seen = new Map<string, { method: 'GET' | 'POST'; path: string }>();
  for (const recipe of recipes) {
    for (const rule of recipe.identify) seen.set(answerKey(rule.method, rule.path), { method: rule.method, path: rule.path });
  }
  return [...seen.values()];
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Whether an answer carries a rule's signal. A header alone counts whatever the status
 * (llama-server names itself even in its 503 while loading); body and JSON signals count only on
 * success, so an error page that happens to quote a word proves nothing.
 */
export function ruleMatches(rule: IdentifyRule, answer: HttpAnswer | undefined): boolean {
  if (!answer) return false;
  const hasContent = rule.bodyIncludes !== undefined || rule.json !== undefined;
  if (rule.status ? !rule.status.includes(answer.status) : (hasContent || !rule.header) && !isSuccess(answer.status)) return false;
  if (rule.header && !(answer.headers[rule.header.name.toLowerCase()] ?? '').includes(rule.header.includes)) return false;
  if (rule.bodyIncludes !== undefined && !answer.body.includes(rule.bodyIncludes)) return false;
  if (rule.json && jsonMismatch(answer.json, rule.json) !== undefined) return false;
  return true;
}

export function describeRule(rule: IdentifyRule): string {
  const parts: string[] = [];
  if (rule.header) parts.push(`${rule.header.name} header has "${rule.header.includes}"`);
  if (rule.bodyIncludes !== undefined) parts.push(`says "${rule.bodyIncludes}"`);
  if (rule.json) {
    parts.push(
      Object.entries(rule.json)
        .map(([field, want]) => (typeof want === 'object' ? field : `${field} = ${JSON.stringify(want)}`))
        .join(', '),
    );
  }
  if (parts.length === 0) parts.push(`HTTP ${rule.status?.join('/') ?? '2xx'}`);
  return `${rule.method} ${rule.path}: ${parts.join('; ')}`;
}

interface Scored {
  recipe: ProviderRecipe;
  order: number;
  strong: IdentifyRule[];
  weak: IdentifyRule[];
}

const isLocked = (status: number) => status === 401 || status === 403;

/**
 * Whether the server answered a rule that every instance of the provider answers (`required`)
 * some other way: a 404, a redirect, another body. A lock (401/403) or a 5xx (loading, broken) says
 * nothing about who it is, nor does a timeout.
 */
export function contradicts(rule: IdentifyRule, answer: HttpAnswer | undefined): boolean {
  if (!rule.required || !answer || isLocked(answer.status) || answer.status >= 500) return false;
  return !ruleMatches(rule, answer);
}

/**
 * Which catalog provider answered, by the strongest signal the server itself gives. Only a strong
 * signal (a provider's own endpoint, header or value) names a provider; shared, imitable ones
 * (weak) only break ties between providers that each showed a strong one. A server that says
 * nothing of its own is named by nobody (discovery lists it as OpenAI-compatible and still routes
 * its models).
 *
 * Two things take a provider out of the running: a `required` answer the server gave otherwise
 * (a llama-swap answers Ollama's /api/version, but redirects "/", which every Ollama answers with
 * "Ollama is running"), and an imitation: a strong signal another provider is known to imitate
 * (`imitatedBy`) counts as weak once that imitator shows a strong signal of its own (a LocalAI
 * answering Ollama's /api/version is still LocalAI: only LocalAI answers /.well-known/localai.json).
 * Ties go to the recipe whose default port was probed, then catalog order.
 * `answersAnything`: the server answered 2xx to a path no server has, so status-only rules are ignored.
 */
export function identify(
  recipes: readonly ProviderRecipe[],
  answers: Answers,
  context: { port?: number; answersAnything?: boolean } = {},
): Identification | undefined {
  const { port, answersAnything } = context;
  const answerTo = (rule: IdentifyRule) => answers.get(answerKey(rule.method, rule.path));
  // A server that answers 200 to any path (LM Studio does) proves nothing with a status alone.
  const usable = (rule: IdentifyRule) =>
    !answersAnything || rule.header !== undefined || rule.bodyIncludes !== undefined || rule.json !== undefined;
  const matched = recipes
    .map((recipe, order) => ({ recipe, order, rules: recipe.identify.filter((rule) => usable(rule) && ruleMatches(rule, answerTo(rule))) }))
    .filter(({ recipe }) => !recipe.identify.some((rule) => contradicts(rule, answerTo(rule))));
  const ownStrong = new Set(
    matched.filter((m) => m.rules.some((rule) => rule.strength === 'strong' && !rule.imitatedBy?.length)).map((m) => m.recipe.id),
  );
  const scored: Scored[] = matched.map(({ recipe, order, rules }) => {
    const counts = (rule: IdentifyRule) => rule.strength === 'strong' && !rule.imitatedBy?.some((other) => ownStrong.has(other));
    return { recipe, order, strong: rules.filter(counts), weak: rules.filter((rule) => !counts(rule)) };
  });
  const best = scored
    .filter((s) => s.strong.length > 0)
    .sort(
      (a, b) =>
        b.strong.length - a.strong.length ||
        b.weak.length - a.weak.length ||
        Number(b.recipe.defaultPort === port) - Number(a.recipe.defaultPort === port) ||
        a.order - b.order,
    )[0];
  if (!best) return undefined;
  return {
    recipe: best.recipe,
    confidence: 'strong',
    evidence: [...best.strong.map(describeRule), ...best.weak.map((rule) => `${describeRule(rule)} (weak)`)],
    version: versionFrom([...best.strong, ...best.weak], answers),
  };
}

function versionFrom(rules: IdentifyRule[], answers: Answers): string | undefined {
  for (const rule of rules) {
    if (!rule.versionField) continue;
    const value = jsonAt(answers.get(answerKey(rule.method, rule.path))?.json, rule.versionField);
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}
