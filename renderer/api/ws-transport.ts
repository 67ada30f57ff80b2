import { AppFailure } from '../../shared/errors';
import { UNAUTHORIZED_CLOSE_CODE } from '../../shared/rpc/close-codes';
import type { Transport } from '../../shared/rpc/transport';
import type { ConnectionStore } from './connection';

/** What a call made after the host refused this page's token fails with (the banner says the same). */
const SESSION_ENDED = new AppFailure({
  code: 'UNAUTHORIZED',
  message: 'This page’s session has ended: the host no longer takes its token;',
  hint: 'Open the URL the host printed (local-llm-manager status prints it too).',
});

/**
 * A WebSocket to the headless host that reconnects with backoff. Each drop is reported as a
 * close (so pending calls fail fast); `onReconnect` lets the UI refetch what it missed.
 */
export function createWsTransport(url: string, connection: ConnectionStore, onReconnect: () => void): Transport {
  const messageListeners = new Set<(frame: unknown) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  let socket: WebSocket | undefined;
  let attempt = 0;
  let everConnected = false;
  let stopped = false;

  const open = () => {
    connection.set({ status: 'connecting' });
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      connection.set({ status: 'connected', detail: undefined });
      if (everConnected) onReconnect();
      everConnected = true;
    };
    ws.onmessage = (event) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      messageListeners.forEach((listener) => listener(frame));
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = undefined;
      closeListeners.forEach((listener) => listener(event.reason || `code ${event.code}`));
      if (stopped) return;
      if (event.code === UNAUTHORIZED_CLOSE_CODE) {
        connection.set({ status: 'unauthorized', detail: 'The session token was refused. Open the URL the host printed.' });
        return;
      }
      connection.set({ status: 'disconnected', detail: 'Reconnecting…' });
      const delay = Math.min(10_000, 250 * 2 ** attempt++);
      setTimeout(open, delay);
    };
  };
  open();

  return {
    send(frame) {
      if (connection.get().status === 'unauthorized') throw SESSION_ENDED;
      if (!socket || socket.readyState !== WebSocket.OPEN) throw new Error('not connected');
      socket.send(JSON.stringify(frame));
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      stopped = true;
      socket?.close();
    },
  };
}
