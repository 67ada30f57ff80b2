import { bench, describe } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startHeadlessServer } from '../main/headless';
import { createHost } from '../main/host';
import { nodeWsTransport } from '../main/transports/ws-client';
import type { Contract } from '../shared/contract';
import { RpcClient } from '../shared/rpc/client';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// What our RPC layer (validation, envelopes, dispatch) costs on top of the bare WebSocket it
// rides on: one settings.get round trip vs one echo of the same bytes, same machine, same run.
const root = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-'));
const host = await createHost({
  mode: 'headless',
  env: { ...process.env, HELIX_LOCAL_LLM_DIR: path.join(root, 'base') },
  appConfigDir: path.join(root, 'app'),
});
const server = await startHeadlessServer({ rpc: host.rpc, staticDir: root, port: 0 });
const rpcSocket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
await new Promise((resolve) => rpcSocket.once('open', resolve));
const client = new RpcClient<Contract>(nodeWsTransport(rpcSocket), { timeoutMs: 0 });
const sample = JSON.stringify({ type: 'response', id: 1, ok: true, result: await client.invoke('settings.get') });

const echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
echo.on('connection', (ws) => ws.on('message', () => ws.send(sample)));
await new Promise((resolve) => echo.once('listening', resolve));
const echoSocket = new WebSocket(`ws://127.0.0.1:${(echo.address() as { port: number }).port}`);
await new Promise((resolve) => echoSocket.once('open', resolve));

describe('one round trip over WebSocket', () => {
  bench('bare ws echo (same reply size)', async () => {
    await new Promise((resolve) => {
      echoSocket.once('message', resolve);
      echoSocket.send('{"type":"request","id":1,"method":"settings.get"}');
    });
  });

  bench('our RPC: settings.get', async () => {
    await client.invoke('settings.get');
  });
});
