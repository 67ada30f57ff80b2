import WebSocket from 'ws';
import type { Contract } from '../../shared/contract';
import { RpcClient } from '../../shared/rpc/client';
import type { Transport } from '../../shared/rpc/transport';

/** A Node `ws` socket as a contract Transport (the renderer has its own for the browser's WebSocket). */
export function nodeWsTransport(ws: WebSocket): Transport {
  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    onMessage: (listener) => {
      const handler = (data: WebSocket.RawData) => {
        let frame: unknown;
        try {
          frame = JSON.parse(String(data));
        } catch {
          return; // Not JSON: not a frame of ours.
        }
        listener(frame);
      };
      ws.on('message', handler);
      return () => ws.off('message', handler);
    },
    onClose: (listener) => {
      const handler = (code: number) => listener(`code ${code}`);
      ws.on('close', handler);
      return () => ws.off('close', handler);
    },
    close: () => ws.close(),
  };
}

/** Connects to a headless host's WebSocket with its token, as the CLI and scripts do. */
export async function connectToHeadlessHost(
  origin: string,
  token: string,
  options: { timeoutMs?: number } = {},
): Promise<{ client: RpcClient<Contract>; close(): void; closed: Promise<void> }> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // After the handshake an 'error' (a reset, a bad frame from the host) would otherwise be
  // uncaught and end the CLI; the 'close' that follows fails pending calls with DISCONNECTED.
  ws.on('error', () => ws.terminate());
  const client = new RpcClient<Contract>(nodeWsTransport(ws), { timeoutMs: options.timeoutMs ?? 15 * 60_000 });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { client, close: () => ws.close(), closed };
}
