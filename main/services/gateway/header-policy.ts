/**
 * Which headers cross the gateway. Requests carry an allowlist: what an OpenAI client sends about
 * the body, itself and tracing. Everything else stays here: the browser's cookies (the app's
 * session token among them, since cookies are not scoped by port), the client's Authorization
 * (it is the gateway's key; the upstream gets its own, added by the caller), Host, Origin and
 * Referer, and hop-by-hop headers. Answers lose hop-by-hop headers and Set-Cookie, so an upstream
 * cannot set a cookie on the gateway's origin, and CORS headers, which the gateway sets itself.
 *
 * Both checks are a Set lookup and at most two prefix tests per header, decided once here.
 */
// Content-Length is not here: the gateway's client frames the body it sends itself.
const ALLOW_REQUEST: ReadonlySet<string> = new Set([
  'content-type',
  'content-encoding',
  'accept',
  'accept-encoding',
  'user-agent',
  'traceparent',
  'tracestate',
  'x-request-id',
  'idempotency-key',
]);
/** openai-organization, openai-project, openai-beta; the SDKs' x-stainless-* (retry count, timeouts, runtime). */
const ALLOW_REQUEST_PREFIXES = ['openai-', 'x-stainless-'] as const;

const DROP_RESPONSE: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'set-cookie',
  'set-cookie2',
  // The gateway answers CORS itself (gateway-server.ts); an upstream's "*" must not widen it.
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'vary',
]);

const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/** `name` is lower case. */
export function forwardRequestHeader(name: string): boolean {
  return ALLOW_REQUEST.has(name) || name.startsWith(ALLOW_REQUEST_PREFIXES[0]) || name.startsWith(ALLOW_REQUEST_PREFIXES[1]);
}

/** `name` is lower case. */
export function forwardResponseHeader(name: string): boolean {
  return !DROP_RESPONSE.has(name);
}

/**
 * Headers an upstream's `Connection` header names are hop-by-hop too (RFC 9110 §7.6.1); rare, so
 * looked at only when that header is there.
 */
export function connectionTokens(value: string): Set<string> {
  return new Set(
    value
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The headers of one upstream request, as raw name/value pairs: the client's allowed ones, then the
 * upstream's own Host and (when it has a key) Authorization.
 */
export function upstreamRequestHeaders(rawHeaders: string[], hostHeader: string, authorization: string | undefined): string[] {
  const headers: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (forwardRequestHeader(rawHeaders[i]!.toLowerCase())) headers.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  headers.push('host', hostHeader);
  if (authorization) headers.push('authorization', authorization);
  return headers;
}

/**
 * The headers of the answer to the client, as raw name/value pairs: the upstream's, less hop-by-hop
 * headers, Set-Cookie and the names its `Connection` header lists, plus which provider answered.
 */
export function clientResponseHeaders(rawHeaders: string[], providerId: string): string[] {
  const headers: string[] = [];
  let named: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (lower === 'connection') {
      // Nearly every upstream says just keep-alive (or close): hop-by-hop names already, nothing to look up.
      const value = rawHeaders[i + 1]!;
      if (!PLAIN_CONNECTION.test(value)) named = connectionTokens(value);
    }
    if (forwardResponseHeader(lower)) headers.push(name, rawHeaders[i + 1]!);
  }
  if (named) {
    for (let i = headers.length - 2; i >= 0; i -= 2) if (named.has(headers[i]!.toLowerCase())) headers.splice(i, 2);
  }
  headers.push('x-gateway-provider', providerId);
  return headers;
}
