import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ContractDef } from '../../shared/rpc/define';
import type { RpcServer } from '../../shared/rpc/server';
import type { Transport } from '../../shared/rpc/transport';

export const WS_PATH = '/ws';
/** Sent when the token is missing or wrong; the UI tells the user to open the printed URL. */
export const UNAUTHORIZED_CLOSE_CODE = 4401;
/** A frame larger than this is refused (and the socket closed) before it is parsed. */
const MAX_FRAME_BYTES = 1024 * 1024;

export interface WsBindingOptions<C extends ContractDef> {
  rpc: RpcServer<C>;
  isAuthorized(req: IncomingMessage): boolean;
  /** Browsers send Origin; a page from another origin must not drive the host. */
  isAllowedOrigin(origin: string, req: IncomingMessage): boolean;
}

/**
 * Serves the contract over WebSocket on `WS_PATH` of an existing HTTP server. Authorisation is
 * checked at the upgrade: a bad Origin gets HTTP 403 before any handshake, a bad token gets a
 * handshake that is closed at once with 4401 so the page can say why.
 */
export function bindWebSocket<C extends ContractDef>(server: Server, options: WsBindingOptions<C>): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let nextId = 1;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://host.invalid').pathname;
    if (pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !options.isAllowedOrigin(origin, req)) return refuse(socket, 403, 'Forbidden origin');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // ws reports protocol violations (e.g. an oversized frame) as 'error' after closing the
      // socket itself; unhandled, that event would take the whole host down.
      ws.on('error', () => ws.terminate());
      if (!options.isAuthorized(req)) {
        ws.close(UNAUTHORIZED_CLOSE_CODE, 'unauthorized: missing or wrong session token');
        return;
      }
      options.rpc.connect(wsTransport(ws), { via: 'ws', connectionId: `ws-${nextId++}` });
    });
  };
  server.on('upgrade', onUpgrade);

  return async () => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.close(1001, 'host shutting down');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function wsTransport(ws: WebSocket): Transport {
  return {
    send(frame) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    },
    onMessage(listener) {
      const handler = (data: Buffer, isBinary: boolean) => {
        let frame: unknown;
        try {
          frame = JSON.parse(isBinary ? data.toString('utf8') : String(data));
        } catch {
          frame = { malformed: true };
        }
        listener(frame);
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
