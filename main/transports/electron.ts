import type { Contract } from '../../shared/contract';
import type { ResponseEnvelope } from '../../shared/rpc/messages';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/rpc/preload-bridge';
import type { RpcServer } from '../../shared/rpc/server';

// The slices of Electron's types this transport uses, so tests can hand in plain objects and this
// file never loads `electron`. Electron's own ipcMain / WebContents satisfy them structurally.

export interface InvokeEventLike {
  /** A WebContents: its id names the connection; its events end one (closed, or loaded anew). */
  sender: {
    id: number;
    once?(event: 'destroyed', listener: () => void): unknown;
    on?(event: 'did-start-navigation', listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void): unknown;
  };
  /** Null when the frame navigated away or was destroyed before the call arrived. */
  senderFrame?: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventReceiver {
  /** The WebContents id, which names this page's connection; without it, only events for everyone arrive. */
  id?: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface BindIpcOptions {
  ipcMain: IpcMainLike;
  rpc: RpcServer<Contract>;
  /** Decides from the calling frame's URL (undefined if unknown) whether it is our own renderer. */
  isTrustedSender: (url: string | undefined) => boolean;
  /** The pages that receive events; asked on every event, so windows can come and go. */
  getTargets: () => Iterable<EventReceiver>;
  /** Where a failed send to a live page is reported (a payload that cannot be cloned is a bug). */
  reportBug?: (message: string, error: unknown) => void;
}

/** Serves the contract over Electron IPC. Returns a function that unbinds it again. */
export function bindIpc(options: BindIpcOptions): () => void {
  const { ipcMain, rpc, isTrustedSender, getTargets } = options;
  const reportBug = options.reportBug ?? ((message, error) => console.error(message, error));
  // A page's subscriptions end with it: when its WebContents is destroyed or starts loading a new
  // page (a reload starts a fresh renderer, which subscribes again to what it shows).
  const tracked = new Set<number>();
  const track = (sender: InvokeEventLike['sender']) => {
    if (tracked.has(sender.id)) return;
    tracked.add(sender.id);
    const connectionId = String(sender.id);
    sender.once?.('destroyed', () => {
      tracked.delete(sender.id);
      rpc.closeConnection(connectionId);
    });
    sender.on?.('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) rpc.closeConnection(connectionId);
    });
  };

  // The boundary of the IPC listener: whatever arrives, and whatever fails while it is checked or
  // served, becomes an envelope. A rejection here would reach the renderer as a bare Error
  // without our { code, message, hint }, and a bug must be reported, not swallowed.
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method, params): Promise<ResponseEnvelope> => {
    try {
      // Electron throws reading a frame that was disposed while the call was in flight.
      const url = senderUrl(event);
      if (!isTrustedSender(url)) {
        return {
          ok: false,
          error: {
            code: 'UNAUTHORIZED',
            message: `Calls from ${url ? JSON.stringify(url.slice(0, 200)) : 'an unknown frame'} are not accepted.`,
            hint: 'Only the app’s own window may call the host.',
          },
        };
      }
      track(event.sender);
      return await rpc.dispatch(method, params, { via: 'ipc', connectionId: String(event.sender.id) });
    } catch (error) {
      reportBug('An IPC call failed outside its handler:', error);
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `The host failed on this call: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'This is a bug: the details are in the app’s log. Try again, or restart the app.',
        },
      };
    }
  });

  const removeSink = rpc.addEventSink((frame, audience) => {
    for (const target of getTargets()) {
      if (target.isDestroyed()) continue;
      if (audience && (target.id === undefined || !audience(String(target.id)))) continue;
      try {
        target.send(IPC_EVENT_CHANNEL, frame.topic, frame.payload);
      } catch (error) {
        // A page closing between the check and the send is normal; anything else is a bug.
        if (!target.isDestroyed()) reportBug(`Could not send event "${frame.topic}" to the window:`, error);
      }
    }
  });

  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    removeSink();
  };
}

function senderUrl(event: InvokeEventLike): string | undefined {
  try {
    const url = event.senderFrame?.url;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}
