import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

/**
 * The proxy settings curl, git, pip and huggingface_hub read; lower case wins, as in curl. With
 * HTTPS_PROXY unset, HTTP_PROXY carries https requests too, as undici and Node's own proxy
 * support do (a network that names one proxy means it for both).
 */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** Loopback never goes through a proxy: a local mirror or hub is reached directly. */
const ALWAYS_DIRECT = 'localhost,127.0.0.1,::1';

export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const read = (name: string) => env[name.toLowerCase()]?.trim() || env[name.toUpperCase()]?.trim() || undefined;
  const httpProxy = read('http_proxy');
  const httpsProxy = read('https_proxy') ?? httpProxy;
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = read('no_proxy');
  return { httpProxy, httpsProxy, noProxy: noProxy ? `${noProxy},${ALWAYS_DIRECT}` : ALWAYS_DIRECT };
}

let cached: { key: string; fetch: typeof fetch } | undefined;

/**
 * fetch for what comes from the internet (the Hugging Face hub, model files, release assets):
 * through HTTPS_PROXY / HTTP_PROXY (minus NO_PROXY) when the environment names one, as the tools
 * that install providers already are; Node's own fetch ignores them. Without a proxy it is
 * Node's fetch itself.
 */
export function internetFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch {
  const settings = proxySettings(env);
  if (!settings) return fetch;
  const key = JSON.stringify(settings);
  if (cached?.key !== key) {
    const dispatcher = new EnvHttpProxyAgent(settings);
    const viaProxy = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
      undiciFetch(input as never, { ...(init as object), dispatcher } as never) as unknown as Promise<Response>;
    cached = { key, fetch: viaProxy as typeof fetch };
  }
  return cached.fetch;
}

/** " (through the proxy <url>)" for a message about `url`, when the request went through one. */
export function throughProxy(url: string | URL, env: NodeJS.ProcessEnv = process.env): string {
  const settings = proxySettings(env);
  const target = URL.parse(String(url));
  if (!settings || !target) return '';
  const proxy = target.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy || bypassed(target.hostname, settings.noProxy ?? '')) return '';
  return ` (through the proxy ${withoutCredentials(proxy)})`;
}

function bypassed(host: string, noProxy: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      const rule = entry.toLowerCase().replace(/^\*?\./, '');
      const ruleHost = /^[^:]+:\d+$/.test(rule) ? rule.slice(0, rule.indexOf(':')) : rule.replace(/^\[|\]$/g, '');
      return entry === '*' || name === ruleHost || name.endsWith(`.${ruleHost}`);
    });
}

/** A proxy URL as it may be shown: user:password@ is left out. */
function withoutCredentials(proxy: string): string {
  const parsed = URL.parse(proxy);
  if (!parsed) return proxy;
  parsed.username = '';
  parsed.password = '';
  return parsed.href.replace(/\/$/, '');
}
