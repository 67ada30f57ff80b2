/**
 * Why a fetch got no answer, in words. fetch itself says only "fetch failed" (or "terminated" when
 * a body breaks off); what happened is in its `cause` (an errno code, undici's own code, or an
 * AggregateError when every address of a name was tried).
 */
export function whyNoAnswer(error: unknown, timeoutMs?: number): string {
  const seen = new Set<unknown>();
  for (let at: unknown = error; at && !seen.has(at); at = (at as { cause?: unknown }).cause) {
    seen.add(at);
    const words = describe(at as Failure, timeoutMs);
    if (words) return words;
  }
  return error instanceof Error ? error.message : String(error);
}

type Failure = NodeJS.ErrnoException & { hostname?: unknown; errors?: unknown[] };

function describe(error: Failure, timeoutMs?: number): string | undefined {
  const host = typeof error.hostname === 'string' ? error.hostname : undefined;
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens at that address and port)';
    case 'ENOTFOUND':
      return `the host name${host ? ` ${host}` : ''} was not found (DNS)`;
    case 'EAI_AGAIN':
      return `the host name${host ? ` ${host}` : ''} could not be looked up (no DNS answer: is this machine offline?)`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'there is no route to it (is this machine offline?)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the other side closed the connection';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'it stopped answering';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `its TLS certificate was not accepted (${error.code}; behind a proxy that inspects TLS, give Node its certificate with NODE_EXTRA_CA_CERTS)`;
  }
  if (error.name === 'TimeoutError')
    return `no answer within ${timeoutMs === undefined ? 'the time allowed' : timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
  if (error.message === 'bad port')
    return 'fetch refuses that port (one of the ports browsers block, such as 6000 or 6666): use another port';
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      const words = describe(inner as Failure, timeoutMs);
      if (words) return words;
    }
  }
  return undefined;
}
