import pLimit from 'p-limit';
import type { DiscoveredServer } from '../../../shared/discovery';
import type { HealthSample } from '../../../shared/provider';
import type { ProviderRecipe } from '../../../shared/recipe';
import { probeHealth } from '../supervision/health-probe';
import { answerKey, identify, probeRequests, type Answers, type HttpAnswer } from './fingerprint';
import { fetchAnswer } from './http-probe';
import { isOpenAiModelList, parseModels } from './model-list';
import { baseUrlOf, type Target } from './targets';
import { isLoopbackAddress } from '../os/loopback';
import { waitDeadline } from '../os/wait-deadline';

const OPENAI_MODELS = '/v1/models';
/** No server has this path: a 2xx here means the server says yes to anything. */
const CANARY = '/.well-known/local-llm-manager-probe-404';
const isLockedStatus = (status: number | undefined) => status === 401 || status === 403;
/**
 * Fingerprint requests in flight at once to a server on this machine. All twenty at once answered
 * within microseconds of each other, and their callbacks held the event loop for several ms in one
 * go, the gateway's requests waiting behind them (bench/gateway at 1,000 req/s). A server across
 * the network gets them all at once: its round trips would add up, and the network spreads its
 * answers anyway.
 */
const LOOPBACK_REQUESTS_AT_ONCE = 4;

/**
 * Fingerprints a server that accepted a connection: every identify rule's request (a few at a time), then
 * its models and health as the identified recipe describes them. Undefined when nothing on the
 * port speaks HTTP.
 */
export async function examine(
  target: Target,
  recipes: readonly ProviderRecipe[],
  requestTimeoutMs: number,
  apiKey?: string,
): Promise<DiscoveredServer | undefined> {
  const baseUrl = baseUrlOf(target.host, target.port);
  // Keyed up front: the requests run at once, so a path two lists share would otherwise go out twice.
  const requests = new Map(
    [...probeRequests(recipes), { method: 'GET' as const, path: OPENAI_MODELS }, { method: 'GET' as const, path: CANARY }].map((r) => [
      answerKey(r.method, r.path),
      r,
    ]),
  );
  const answers: Answers = new Map();
  const limit = pLimit(isLoopbackAddress(target.host) ? LOOPBACK_REQUESTS_AT_ONCE : requests.size);
  // One deadline for all of them: a server that never answers costs a scan the same time as before.
  // A waitDeadline, as each probe's own: time this process did not run does not count.
  const expired = new AbortController();
  const cancelDeadline = waitDeadline(requestTimeoutMs, () => expired.abort());
  await Promise.all(
    [...requests].map(([key, { method, path }]) =>
      limit(async () => {
        if (expired.signal.aborted) return;
        const answer = await fetchAnswer(baseUrl, method, path, requestTimeoutMs, apiKey, expired.signal);
        if (answer) answers.set(key, answer);
      }),
    ),
  );
  cancelDeadline();
  if (answers.size === 0) return undefined;
  const canary = answers.get(answerKey('GET', CANARY));
  answers.delete(answerKey('GET', CANARY));

  const found = identify(recipes, answers, { port: target.port, answersAnything: canary !== undefined && canary.status < 300 });
  const recipe = found?.recipe;
  const modelsAnswer = recipe ? await answerFor(answers, baseUrl, recipe.models.path, requestTimeoutMs, apiKey) : undefined;
  const openAiModels = answers.get(answerKey('GET', OPENAI_MODELS));
  const models =
    (recipe && modelsAnswer && parseModels(recipe.models.format, modelsAnswer.json)) ??
    (openAiModels && isOpenAiModelList(openAiModels.json) ? parseModels('openai', openAiModels.json) : undefined) ??
    [];

  const statuses = [...answers.values()].map((a) => a.status);
  const lockedStatus =
    [modelsAnswer?.status, openAiModels?.status].find(isLockedStatus) ?? (statuses.every(isLockedStatus) ? statuses[0] : undefined);
  const openAiCompatible = openAiModels !== undefined && isOpenAiModelList(openAiModels.json);
  // A locked server that says nothing else may still be named by its port, when only one recipe uses it.
  const byPort = !recipe && lockedStatus ? recipes.filter((r) => r.defaultPort === target.port) : [];
  const guess = byPort.length === 1 ? byPort[0] : undefined;

  const health =
    recipe && !recipe.health.port
      ? await probeHealth(baseUrl, recipe.health, undefined, apiKey)
      : sampleFrom(openAiModels, openAiCompatible);
  const serverHeader = [...answers.values()].map((a) => a.headers.server).find(Boolean);
  return {
    key: target.key,
    host: target.host,
    port: target.port,
    baseUrl,
    kind: recipe ? 'provider' : openAiCompatible ? 'openai-compatible' : lockedStatus ? 'locked' : 'other',
    ...(recipe ? { providerId: recipe.id, providerName: recipe.name, confidence: found.confidence } : {}),
    ...(guess ? { providerId: guess.id, providerName: guess.name, confidence: 'port' as const } : {}),
    evidence: found?.evidence ?? (guess ? [`answers ${lockedStatus} on ${guess.name}'s default port ${target.port}`] : []),
    ...(found?.version ? { version: found.version } : {}),
    models,
    ...(lockedStatus ? { locked: { status: lockedStatus } } : {}),
    ownership: target.ownedBy ? 'ours' : 'external',
    ...(target.ownedBy ? { ownedBy: target.ownedBy } : {}),
    sources: [...target.sources],
    healthy: health.ok,
    health,
    ...(serverHeader ? { serverHeader } : {}),
  };
}

async function answerFor(
  answers: Answers,
  baseUrl: string,
  path: string,
  timeoutMs: number,
  apiKey?: string,
): Promise<HttpAnswer | undefined> {
  const key = answerKey('GET', path);
  if (!answers.has(key)) {
    const answer = await fetchAnswer(baseUrl, 'GET', path, timeoutMs, apiKey);
    if (answer) answers.set(key, answer);
  }
  return answers.get(key);
}

/** Health of a server no recipe describes: its OpenAI model list answers. */
function sampleFrom(answer: HttpAnswer | undefined, ok: boolean): HealthSample {
  return {
    at: new Date().toISOString(),
    ok,
    latencyMs: answer?.latencyMs ?? 0,
    detail: answer ? `HTTP ${answer.status} on ${OPENAI_MODELS}` : `no answer on ${OPENAI_MODELS}`,
  };
}
