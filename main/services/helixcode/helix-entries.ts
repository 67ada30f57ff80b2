import type { GatewayStatus } from '../../../shared/gateway';
import type { HelixProviderEntry } from '../../../shared/backup';
import type { ProviderSummary } from '../../../shared/provider';

/** The key the gateway goes under in llm.providers (HelixCode's own keys use underscores: local_auto_discovery). */
export const GATEWAY_KEY = 'local_llm_gateway';

/**
 * HelixCode's llm.providers entries, in the seed spec's shape (type, endpoint, models, enabled),
 * from what this machine has:
 * - a provider we run and that answers its health check: enabled, at 127.0.0.1:<port> (our
 *   providers listen on 127.0.0.1; "localhost" may resolve to ::1 first), with its models;
 * - a server of that kind found running outside the app (the user's own LM Studio, Ollama…):
 *   enabled, at the address it was found on;
 * - installed but not healthy now (stopped, failed, starting): written, but `enabled: false`, at
 *   the port it would use, so HelixCode skips it until it runs and the next export enables it;
 * - not installed: no entry (see mergeHelixConfig for an entry left from an earlier export).
 * `type` is the provider's id, as in the spec's examples (vllm, localai). The gateway is one
 * more entry, `local_llm_gateway`, of type `openai` (it speaks OpenAI's API), listing every model
 * it routes. Its API key, if any, is not written: the spec's shape has no field for one.
 */
export function helixEntries(providers: readonly ProviderSummary[], gateway?: GatewayStatus): HelixProviderEntry[] {
  const entries: HelixProviderEntry[] = [];
  for (const p of providers) {
    const { state } = p;
    if (state.status === 'not-installed' || state.status === 'installing') continue;
    if (state.status === 'external') {
      if (!state.external) continue;
      entries.push({
        key: p.id,
        type: p.id,
        endpoint: originOf(state.external.baseUrl),
        models: state.models ?? [],
        enabled: !state.external.lockedStatus,
      });
      continue;
    }
    const healthy = state.status === 'running';
    entries.push({
      key: p.id,
      type: p.id,
      endpoint: `http://127.0.0.1:${state.port ?? p.defaultPort}`,
      models: healthy ? (state.models ?? []) : [],
      enabled: healthy,
    });
  }
  if (gateway && (gateway.url || gateway.enabled)) {
    const models = [...new Set(gateway.routes.map((r) => r.model))].sort();
    const endpoint = gateway.url ? gateway.url.replace(/\/v1\/?$/, '') : `http://${hostForUrl(gateway.host)}:${gateway.port}`;
    entries.push({ key: GATEWAY_KEY, type: 'openai', endpoint, models, enabled: gateway.listening });
  }
  return entries;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
