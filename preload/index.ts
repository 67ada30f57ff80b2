import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_TOPICS, REQUEST_NAMES } from '../shared/contract-names';
import type { ResponseEnvelope } from '../shared/rpc/messages';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type PreloadBridge } from '../shared/rpc/preload-bridge';

// Only the contract's names cross this bridge, so a compromised page cannot reach other channels.
const requests = new Set<string>(REQUEST_NAMES);
const topics = new Set<string>(EVENT_TOPICS);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

// One IPC listener for all topics: the page never sees the IpcRendererEvent (it holds `sender`).
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, topic: string, payload: unknown) => {
  for (const listener of listeners.get(topic) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`Listener for "${topic}" failed:`, error); // one bad listener must not starve the rest
    }
  }
});

const bridge: PreloadBridge = {
  invoke(method, params) {
    if (!requests.has(method)) {
      const envelope: ResponseEnvelope = {
        ok: false,
        error: { code: 'UNKNOWN_METHOD', message: `Unknown method ${JSON.stringify(method)}.` },
      };
      return Promise.resolve(envelope);
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, params) as Promise<ResponseEnvelope>;
  },
  on(topic, listener) {
    if (!topics.has(topic)) return () => {};
    const set = listeners.get(topic) ?? new Set();
    listeners.set(topic, set.add(listener));
    return () => void set.delete(listener);
  },
};

contextBridge.exposeInMainWorld('llm', bridge);
