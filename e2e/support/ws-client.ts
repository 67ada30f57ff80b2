import WebSocket from 'ws';
import type { Contract } from '../../shared/contract';
import { RpcClient } from '../../shared/rpc/client';

/** The contract over the host's WebSocket, as a script would use it. */
export async function connectClient(origin: string, token: string): Promise<{ client: RpcClient<Contract>; close(): void }> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client = new RpcClient<Contract>(
    {
      send: (frame) => ws.send(JSON.stringify(frame)),
      onMessage: (listener) => {
        const handler = (data: WebSocket.RawData) => listener(JSON.parse(String(data)));
        ws.on('message', handler);
        return () => ws.off('message', handler);
      },
      onClose: (listener) => {
        const handler = () => listener('closed');
        ws.on('close', handler);
        return () => ws.off('close', handler);
      },
      close: () => ws.close(),
    },
    { timeoutMs: 60_000 },
  );
  return { client, close: () => ws.close() };
}
