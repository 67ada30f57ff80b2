import type { HealthSample } from '../../../shared/provider';
import type { HealthCheck } from '../../../shared/recipe';
import { bearer } from '../os/bearer';
import { jsonMismatch, parseJsonOrUndefined } from '../os/http-expect';
import { PROBE_BODY_BYTES, readCappedBody } from '../os/read-capped-body';

/**
 * One probe of a provider's health endpoint as its recipe describes it. "The port answers" is not
 * healthy: the status, body text and JSON fields must all be what the recipe expects (llama-server
 * and LocalAI answer 503 while they load).
 */
export async function probeHealth(baseUrl: string, check: HealthCheck, signal?: AbortSignal, apiKey?: string): Promise<HealthSample> {
  const started = performance.now();
  const at = new Date().toISOString();
  const timeout = AbortSignal.timeout(check.timeoutMs);
  const sample = (ok: boolean, detail: string): HealthSample => ({ at, ok, latencyMs: Math.round(performance.now() - started), detail });
  try {
    const response = await fetch(new URL(check.path, baseUrl), {
      method: check.method,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...bearer(apiKey) },
    });
    const body = await readCappedBody(response, PROBE_BODY_BYTES);
    if (!check.status.includes(response.status)) return sample(false, `HTTP ${response.status}`);
    if (check.bodyIncludes !== undefined && !body.includes(check.bodyIncludes)) {
      return sample(false, `HTTP ${response.status}, body lacks ${JSON.stringify(check.bodyIncludes)}`);
    }
    if (check.json) {
      const mismatch = jsonMismatch(parseJsonOrUndefined(body), check.json);
      if (mismatch) return sample(false, `HTTP ${response.status}, ${mismatch}`);
    }
    return sample(true, `HTTP ${response.status}`);
  } catch (error) {
    return sample(false, describeFetchError(error));
  }
}

function describeFetchError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  if (err.name === 'AbortError') return 'aborted';
  return err.cause?.code ?? err.message;
}
