import type { ResponseEnvelope } from './messages';

/** What the preload script exposes as `window.llm`; the renderer wraps it in a typed client. */
export interface PreloadBridge {
  invoke(method: string, params: unknown): Promise<ResponseEnvelope>;
  on(topic: string, listener: (payload: unknown) => void): () => void;
}

export const IPC_INVOKE_CHANNEL = 'llm:invoke';
export const IPC_EVENT_CHANNEL = 'llm:event';
