import type { Contract, LlmClient } from '../../shared/contract';
import { RpcClient, unwrap } from '../../shared/rpc/client';
import type { PreloadBridge } from '../../shared/rpc/preload-bridge';
import { ConnectionStore } from './connection';
import { createWsTransport } from './ws-transport';

declare global {
  interface Window {
    llm?: PreloadBridge;
  }
}

export interface ApiConnection {
  client: LlmClient;
  connection: ConnectionStore;
  /** Called after a reconnect, so cached data can be refetched. */
  onReconnect(listener: () => void): () => void;
}

/**
 * One client for the whole UI: Electron's preload bridge when it is there, the headless host's
 * WebSocket otherwise. Nothing else in the renderer knows which.
 */
export function connectToHost(): ApiConnection {
  const reconnectListeners = new Set<() => void>();
  const onReconnect = (listener: () => void) => {
    reconnectListeners.add(listener);
    return () => reconnectListeners.delete(listener);
  };

  const bridge = window.llm;
  if (bridge) {
    const connection = new ConnectionStore({ status: 'connected', via: 'ipc' });
    const client: LlmClient = {
      invoke: (async (method: string, params?: unknown) => unwrap(await bridge.invoke(method, params))) as LlmClient['invoke'],
      on: ((topic: string, listener: (payload: unknown) => void) => bridge.on(topic, listener)) as LlmClient['on'],
    };
    return { client, connection, onReconnect };
  }

  const connection = new ConnectionStore({ status: 'connecting', via: 'ws' });
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = createWsTransport(`${scheme}//${location.host}/ws`, connection, () =>
    reconnectListeners.forEach((listener) => listener()),
  );
  // Long: providers.start answers once the provider is healthy, which can take minutes for a big model.
  return { client: new RpcClient<Contract>(transport, { timeoutMs: 15 * 60_000 }), connection, onReconnect };
}
