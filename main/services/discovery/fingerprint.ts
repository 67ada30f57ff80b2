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
  confidence: Exclude<DiscoveryConfidence, 'port'>;
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

/**
 * Which catalog provider answered, strongest signal first. A provider's own endpoint (strong)
 * outranks any number of shared ones (weak). A strong signal that another provider is known to
 * imitate (`imitatedBy`) counts as weak once that imitator shows a strong signal of its own: a
 * LocalAI answering Ollama's /api/version and "/" is still LocalAI, because only LocalAI answers
 * /.well-known/localai.json. Ties go to the recipe whose default port was probed, then catalog order.
 * `answersAnything`: the server answered 2xx to a path no server has, so status-only rules are ignored.
 */
export function identify(
  recipes: readonly ProviderRecipe[],
  answers: Answers,
  context: { port?: number; answersAnything?: boolean } = {},
): Identification | undefined {
  const { port, answersAnything } = context;
  // A server that answers 200 to any path (LM Studio does) proves nothing with a status alone.
  const usable = (rule: IdentifyRule) =>
    !answersAnything || rule.header !== undefined || rule.bodyIncludes !== undefined || rule.json !== undefined;
  const matched = recipes.map((recipe, order) => ({
    recipe,
    order,
    rules: recipe.identify.filter((rule) => usable(rule) && ruleMatches(rule, answers.get(answerKey(rule.method, rule.path)))),
  }));
  const ownStrong = new Set(
    matched.filter((m) => m.rules.some((rule) => rule.strength === 'strong' && !rule.imitatedBy?.length)).map((m) => m.recipe.id),
  );
  const scored: Scored[] = matched
    .filter((m) => m.rules.length > 0)
    .map(({ recipe, order, rules }) => {
      const counts = (rule: IdentifyRule) => rule.strength === 'strong' && !rule.imitatedBy?.some((other) => ownStrong.has(other));
      return { recipe, order, strong: rules.filter(counts), weak: rules.filter((rule) => !counts(rule)) };
    });
  const best = scored.sort(
    (a, b) =>
      b.strong.length - a.strong.length ||
      b.weak.length - a.weak.length ||
      Number(b.recipe.defaultPort === port) - Number(a.recipe.defaultPort === port) ||
      a.order - b.order,
  )[0];
  if (!best) return undefined;
  const rules = [...best.strong, ...best.weak];
  return {
    recipe: best.recipe,
    confidence: best.strong.length > 0 ? 'strong' : 'weak',
    evidence: [...best.strong.map(describeRule), ...best.weak.map((rule) => `${describeRule(rule)} (weak)`)],
    version: versionFrom(rules, answers),
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
