import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardListener, hardenServer, serverOptions } from '../os/http-boundary';
import { isLoopbackHostHeader, isLoopbackName } from '../os/loopback';
import { ForwardCall, type ForwardContext } from './forward-call';
import { DEFAULT_LIMITS, type GatewayLimits } from './limits';
import type { OnDemandHook } from './on-demand-hook';
import { rawOpenAiError, sendOpenAiError } from '../os/openai-error';
import type { RoutingTable } from './routing-table';
import { gatewayRequestHeaders } from './request-headers';
import { corsAllows } from '../../../shared/cors-origins';
import { UpstreamPool } from './upstream-pool';

/** The endpoints routed by their body's `model`. */
const ROUTED = new Set(['/v1/chat/completions', '/v1/completions', '/v1/embeddings']);
const HEALTH_BODY = Buffer.from('{"status":"ok"}');

export interface GatewayServerOptions {
  host: string;
  port: number;
  /** Read on every request, so a new key applies without a restart. */
  apiKey: () => string | undefined;
  /** Origins of web pages that may call the gateway from a browser; read on every request that has one. */
  corsOrigins: () => readonly string[];
  table: () => RoutingTable;
  /** Something in the per-upstream stats moved. */
  touched: () => void;
  limits?: Partial<GatewayLimits>;
  /** Loads models on demand; without it a model no provider serves is a 404. */
  onDemand?: OnDemandHook;
}

export interface GatewayServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The gateway's HTTP front: authentication, the Host check, the small GET endpoints, and one
 * `ForwardCall` per routed POST. Upstream connections are kept alive and reused.
 */
export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const ctx: ForwardContext = {
    table: options.table,
    limits,
    pool: new UpstreamPool({
      connectTimeoutMs: limits.connectTimeoutMs,
      headersTimeoutMs: limits.firstByteTimeoutMs,
      keepAliveMs: 4_000,
    }),
    touched: options.touched,
    onDemand: options.onDemand,
  };
  const loopbackOnly = isLoopbackName(options.host);
  let keyText: string | undefined;
  let expected: Buffer | undefined;

  // Digests of equal length on both sides: timingSafeEqual throws on unequal lengths, and a
  // header's string length is not its byte length (one byte above 0x7F would make them differ).
  const authorized = (given: string | undefined): boolean => {
    const key = options.apiKey();
    if (!key) return true;
    if (key !== keyText) {
      keyText = key;
      expected = sha256(`Bearer ${key}`);
    }
    if (typeof given !== 'string' || given.length === 0) return false;
    return timingSafeEqual(sha256(given), expected!);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': HEALTH_BODY.length });
      return void res.end(HEALTH_BODY);
    }
    const headers = gatewayRequestHeaders(req.rawHeaders);
    // Bound to loopback, only loopback names may reach us: a web page cannot rebind its DNS to us.
    if (loopbackOnly && !isLoopbackHostHeader(headers.host)) {
      return sendOpenAiError(
        res,
        403,
        'forbidden_host',
        `This gateway only answers requests addressed to 127.0.0.1 or localhost, not "${headers.host ?? ''}".`,
      );
    }
    const origin = headers.origin;
    if (origin !== undefined) {
      // A browser: only pages the user allowed may use the gateway, and a preflight is answered
      // before the key is checked (browsers never send credentials with one).
      if (!corsAllows(options.corsOrigins(), origin)) {
        return sendOpenAiError(
          res,
          403,
          'forbidden_origin',
          `This gateway does not answer web pages from ${origin.slice(0, 200)}. If that page should use it, add its origin under Gateway → Endpoint → Web pages allowed (CORS) in the app.`,
        );
      }
      if (req.method === 'OPTIONS') return answerPreflight(req, res, origin);
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-gateway-provider');
      res.setHeader('vary', 'Origin');
    }
    if (!authorized(headers.authorization)) {
      return sendOpenAiError(
        res,
        401,
        'invalid_api_key',
        'This gateway needs its API key: send it as "Authorization: Bearer <key>" (the OpenAI clients do this with their api_key / apiKey option). The key is on the Gateway page.',
        { headers: { 'www-authenticate': 'Bearer' } },
      );
    }
    if (ROUTED.has(path)) {
      if (req.method === 'POST') return new ForwardCall(ctx, req, res).start(headers.contentLength);
      return sendOpenAiError(res, 405, 'method_not_allowed', `${path} takes POST, not ${req.method}.`, { headers: { allow: 'POST' } });
    }
    if (req.method === 'GET' && path === '/v1/models') {
      if (options.onDemand) {
        return void listWithLoadable(options.onDemand).then(
          (body) => sendJson(res, body),
          () => sendOpenAiError(res, 500, 'server_error', 'The gateway could not list the models; try again.'),
        );
      }
      return sendJson(res, options.table().modelsBody);
    }
    if (req.method === 'GET' && path.startsWith('/v1/models/')) {
      let id: string;
      try {
        id = decodeURIComponent(path.slice('/v1/models/'.length));
      } catch {
        // A bad escape (%E0) is the client's mistake, never a reason for the handler to throw.
        return sendOpenAiError(res, 400, 'invalid_model', 'The model id in the path is not valid percent-encoding.', { param: 'model' });
      }
      void modelEntry(id).then(
        (model) => {
          if (!model)
            return sendOpenAiError(
              res,
              404,
              'model_not_found',
              `No healthy provider serves the model "${id}". GET /v1/models lists the ones that are served.`,
              { param: 'model' },
            );
          sendJson(res, Buffer.from(JSON.stringify(model)));
        },
        () => sendOpenAiError(res, 500, 'server_error', 'The gateway could not list the models; try again.'),
      );
      return;
    }
    sendOpenAiError(
      res,
      404,
      'unknown_endpoint',
      `The gateway has no endpoint ${req.method} ${path}. It serves GET /v1/models, and POST /v1/chat/completions, /v1/completions and /v1/embeddings.`,
    );
  };

  /**
   * The served models, then those that load on demand when named (as llama-swap lists them), told
   * apart by `state` as LM Studio's API does: "loaded", "loading" or "not-loaded".
   */
  const listWithLoadable = async (hook: OnDemandHook): Promise<Buffer> => {
    const served = JSON.parse(options.table().modelsBody.toString()) as { object: string; data: Array<{ id: string }> };
    const ids = new Set(served.data.map((m) => m.id));
    const loadable = (await hook.listed().catch(() => [])).filter((m) => !ids.has(m.id));
    const data = [
      ...served.data.map((m) => ({ ...m, state: 'loaded' })),
      ...loadable.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: 'load-on-demand', providers: [], state: m.state })),
    ];
    return Buffer.from(JSON.stringify({ object: 'list', data }));
  };

  const modelEntry = async (id: string): Promise<{ id: string } | undefined> => {
    const body = options.onDemand ? await listWithLoadable(options.onDemand) : options.table().modelsBody;
    return (JSON.parse(body.toString()) as { data: Array<{ id: string }> }).data.find((m) => m.id === id);
  };

  const server = http.createServer(
    serverOptions(limits),
    guardListener(handle, (res) =>
      sendOpenAiError(res, 500, 'server_error', "The gateway failed on this request; the error is in the app's log.", { close: true }),
    ),
  );
  hardenServer(server, limits, {
    raw: (status, reason, message) => rawOpenAiError(status, reason, status === 408 ? 'request_timeout' : 'bad_request', message),
    reply: (res, status, message) => sendOpenAiError(res, status, 'bad_request', message, { close: true }),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    host: options.host,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ctx.pool.destroy();
    },
  };
}

function answerPreflight(req: IncomingMessage, res: ServerResponse, origin: string): void {
  const asked = req.headers['access-control-request-headers'];
  res.writeHead(204, {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': typeof asked === 'string' && asked.length <= 4096 ? asked : 'authorization, content-type',
    'access-control-max-age': '600',
    vary: 'Origin',
  });
  res.end();
}

function sendJson(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
