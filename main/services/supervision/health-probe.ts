import type { HealthSample } from '../../../shared/provider';
import type { HealthCheck } from '../../../shared/recipe';
import { jsonMismatch, parseJsonOrUndefined } from '../http-expect';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * One probe of a provider's health endpoint as its recipe describes it. "The port answers" is not
 * healthy: the status, body text and JSON fields must all be what the recipe expects (llama-server
 * and LocalAI answer 503 while they load).
 */
export async function probeHealth(baseUrl: string, check: HealthCheck, signal?: AbortSignal): Promise<HealthSample> {
  const started = performance.now();
  const at = new Date().toISOString();
  const timeout = AbortSignal.timeout(check.timeoutMs);
  const sample = (ok: boolean, detail: string): HealthSample => ({ at, ok, latencyMs: Math.round(performance.now() - started), detail });
  try {
    const response = await fetch(new URL(check.path, baseUrl), {
      method: check.method,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.5' },
    });
    const body = await readCapped(response);
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

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  if (err.name === 'AbortError') return 'aborted';
  return err.cause?.code ?? err.message;
}
