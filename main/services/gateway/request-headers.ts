/**
 * The few request headers the gateway itself reads, found in one pass over the raw list. Reading
 * `req.headers` instead would build Node's whole header object on every request, which the
 * gateway never needs (what it forwards comes from the raw list too). The first of a repeated
 * header wins, as Node's parser keeps it for these names.
 */
export interface GatewayRequestHeaders {
  host: string | undefined;
  authorization: string | undefined;
  contentLength: string | undefined;
  /** Sent by browsers (CORS); other clients leave it out. */
  origin: string | undefined;
}

export function gatewayRequestHeaders(rawHeaders: string[]): GatewayRequestHeaders {
  let host: string | undefined;
  let authorization: string | undefined;
  let contentLength: string | undefined;
  let origin: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Compared by length first: most headers are none of these.
    switch (name.length) {
      case 4:
        if (host === undefined && name.toLowerCase() === 'host') host = rawHeaders[i + 1];
        break;
      case 6:
        if (origin === undefined && name.toLowerCase() === 'origin') origin = rawHeaders[i + 1];
        break;
      case 13:
        if (authorization === undefined && name.toLowerCase() === 'authorization') authorization = rawHeaders[i + 1];
        break;
      case 14:
        if (contentLength === undefined && name.toLowerCase() === 'content-length') contentLength = rawHeaders[i + 1];
        break;
    }
  }
  return { host, authorization, contentLength, origin };
}
