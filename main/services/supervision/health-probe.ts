import type { HealthSample } from '../../../shared/provider';
import type { HealthCheck } from '../../../shared/recipe';
import { bearer } from '../os/bearer';
import { jsonMismatch, parseJsonOrUndefined } from '../os/http-expect';
import { PROBE_BODY_BYTES, ProbeFailed, probeRequest } from '../os/probe-request';

/**
 * One probe of a provider's health endpoint as its recipe describes it. "The port answers" is not
 * healthy: the status, body text and JSON fields must all be what the recipe expects (llama-server
 * and LocalAI answer 503 while they load).
 */
export async function probeHealth(baseUrl: string, check: HealthCheck, signal?: AbortSignal, apiKey?: string): Promise<HealthSample> {
  const started = performance.now();
  const at = new Date().toISOString();
  const sample = (ok: boolean, detail: string): HealthSample => ({ at, ok, latencyMs: Math.round(performance.now() - started), detail });
  try {
    const answer = await probeRequest(new URL(check.path, baseUrl), {
      method: check.method,
      timeoutMs: check.timeoutMs,
      ...(signal ? { signal } : {}),
      maxBodyBytes: PROBE_BODY_BYTES,
      // As a browser would: a health path that moved on the same server is still its health.
      followRedirects: 3,
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...bearer(apiKey) },
    });
    const { status, body } = answer;
    if (!check.status.includes(status)) return sample(false, `HTTP ${status}`);
    if (check.bodyIncludes !== undefined && !body.includes(check.bodyIncludes)) {
      return sample(false, `HTTP ${status}, body lacks ${JSON.stringify(check.bodyIncludes)}`);
    }
    if (check.json) {
      const mismatch = jsonMismatch(parseJsonOrUndefined(body), check.json);
      if (mismatch) return sample(false, `HTTP ${status}, ${mismatch}`);
    }
    return sample(true, `HTTP ${status}`);
  } catch (error) {
    return sample(false, error instanceof ProbeFailed ? error.reason : (error as Error).message);
  }
}
