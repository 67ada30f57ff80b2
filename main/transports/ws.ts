import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TOO_SLOW_CLOSE_CODE, UNAUTHORIZED_CLOSE_CODE } from '../../shared/rpc/close-codes';
import type { ContractDef } from '../../shared/rpc/define';
import type { RpcServer } from '../../shared/rpc/server';
import { UnreadableFrame, type Transport } from '../../shared/rpc/transport';
import { DEFAULT_WS_LIMITS, wsLimitsFromEnv, type WsLimits } from './ws-limits';

export const WS_PATH = '/ws';

export interface WsBindingOptions<C extends ContractDef> {
  rpc: RpcServer<C>;
  isAuthorized(req: IncomingMessage): boolean;
  /** Browsers send Origin; a page from another origin must not drive the host. */
  isAllowedOrigin(origin: string, req: IncomingMessage): boolean;
  /** Defaults, then HELIX_LOCAL_LLM_WS_* from the environment, then these. */
  limits?: Partial<WsLimits>;
  /** A client was dropped (too slow, or silent); the host says so in its output. */
  onDrop?: (connectionId: string, reason: string) => void;
}

interface Client {
  id: string;
  /** Cleared at each ping; set again by the pong or any frame from the client. */
  alive: boolean;
}

/**
 * Serves the contract over WebSocket on `WS_PATH` of an existing HTTP server. Authorisation is
 * checked at the upgrade: a bad Origin gets HTTP 403 before any handshake, a bad token gets a
 * handshake that is closed at once with 4401 so the page can say why.
 *
 * The upgrade listener is a boundary: whatever the request holds, it ends in a response or a
 * closed socket, never in an exception that reaches the process.
 */
export function bindWebSocket<C extends ContractDef>(server: Server, options: WsBindingOptions<C>): () => Promise<void> {
  const limits: WsLimits = { ...DEFAULT_WS_LIMITS, ...wsLimitsFromEnv(process.env), ...options.limits };
  const reportDrop = options.onDrop ?? ((id, reason) => console.warn(`WebSocket client ${id} dropped: ${reason}`));
  // No compression: a small frame must never inflate into a large one inside the host.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false });
  const clients = new Map<WebSocket, Client>();
  // An event is one frame object sent to every client: encode it once, not once per client.
  const encoded = new WeakMap<object, string>();
  const encode = (frame: unknown): string => {
    if (typeof frame !== 'object' || frame === null) return JSON.stringify(frame);
    let text = encoded.get(frame);
    if (text === undefined) encoded.set(frame, (text = JSON.stringify(frame)));
    return text;
  };
  let nextId = 1;

  /** Close with a reason the client can read, and destroy the socket if it cannot. */
  const drop = (ws: WebSocket, code: number, reason: string) => {
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), limits.closeGraceMs).unref();
  };

  const serve = (ws: WebSocket, authorized: boolean) => {
    // ws reports protocol violations (an oversized frame, bad UTF-8) as 'error' once it has sent
    // the close that says why (1009, 1007) and while it drains what the client still sends;
    // unhandled, that event would take the whole host down. Terminating at once reset the
    // connection with the client's frame unread, and the client's kernel then dropped our close
    // frame: 8 of 200 clients sending a 2 MiB frame saw 1006 instead of 1009.
    ws.on('error', () => setTimeout(() => ws.terminate(), limits.closeGraceMs).unref());
    if (!authorized) return drop(ws, UNAUTHORIZED_CLOSE_CODE, 'unauthorized: missing or wrong session token');
    const client: Client = { id: `ws-${nextId++}`, alive: true };
    clients.set(ws, client);
    ws.on('close', () => clients.delete(ws));
    ws.on('pong', () => (client.alive = true));
    const tooSlow = () => {
      const mib = (ws.bufferedAmount / 1024 / 1024).toFixed(1);
      reportDrop(client.id, `stopped reading (${mib} MiB unsent, limit ${limits.maxBufferedBytes / 1024 / 1024} MiB)`);
      drop(ws, TOO_SLOW_CLOSE_CODE, 'too slow: stopped reading events');
    };
    const seen = () => (client.alive = true);
    options.rpc.connect(wsTransport(ws, { maxBufferedBytes: limits.maxBufferedBytes, encode, tooSlow, seen }), {
      via: 'ws',
      connectionId: client.id,
    });
  };

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://host.invalid').pathname;
    if (pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !options.isAllowedOrigin(origin, req)) return refuse(socket, 403, 'Forbidden origin');
    if (clients.size >= limits.maxClients) return refuse(socket, 503, 'Too many clients');
    const authorized = options.isAuthorized(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        serve(ws, authorized);
      } catch {
        // The handshake is done, so an HTTP refusal would be garbage on the wire: just end it.
        ws.terminate();
      }
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node takes its own 'error' listener off an upgraded socket; without one, a reset during a
    // refusal would be an uncaught exception.
    socket.on('error', () => socket.destroy());
    try {
      accept(req, socket, head);
    } catch {
      // e.g. `GET //` (new URL throws) or a cookie the token parser cannot decode.
      refuse(socket, 400, 'Bad Request');
    }
  };
  server.on('upgrade', onUpgrade);

  // Half-open peers (a laptop that slept, a dropped tunnel) never close; only silence shows them.
  const heartbeat = setInterval(() => {
    for (const [ws, client] of clients) {
      if (!client.alive) {
        reportDrop(client.id, `no answer to a ping within ${limits.heartbeatMs} ms`);
        clients.delete(ws); // its 'close' comes later; it must not be reported twice
        ws.terminate();
        continue;
      }
      client.alive = false;
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  return async () => {
    clearInterval(heartbeat);
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) drop(client, 1001, 'host shutting down');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`);
  // A peer that never reads must not keep the socket: end() alone waits for it.
  setTimeout(() => socket.destroy(), 5_000).unref();
}

/**
 * One client as a Transport. Every send checks what is still queued for it: past the cap the
 * client is dropped, so a stalled reader costs at most about `maxBufferedBytes` of host memory.
 */
interface WsTransportHooks {
  maxBufferedBytes: number;
  encode(frame: unknown): string;
  /** The client's unsent data passed the cap. */
  tooSlow(): void;
  /** The client sent something: it is there. */
  seen(): void;
}

function wsTransport(ws: WebSocket, { maxBufferedBytes, encode, tooSlow, seen }: WsTransportHooks): Transport {
  return {
    send(frame) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(encode(frame));
      if (ws.bufferedAmount > maxBufferedBytes) tooSlow();
    },
    onMessage(listener) {
      const handler = (data: Buffer, isBinary: boolean) => {
        seen();
        let frame: unknown;
        if (isBinary) frame = new UnreadableFrame('binary frames are not part of the protocol; send JSON text');
        else {
          try {
            frame = JSON.parse(String(data));
          } catch {
            frame = new UnreadableFrame('the frame is not JSON');
          }
        }
        try {
          listener(frame);
        } catch (error) {
          // A bug in the server's handling must not escape into ws's parser and the process.
          console.error('WebSocket frame handling failed:', error);
        }
      };
      ws.on('message', handler);
      return () => ws.off('message', handler);
    },
    onClose(listener) {
      const handler = (code: number) => listener(`code ${code}`);
      ws.on('close', handler);
      return () => ws.off('close', handler);
    },
    close() {
      ws.close();
    },
  };
}
