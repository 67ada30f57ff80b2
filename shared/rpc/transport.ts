/**
 * A message pipe between one client and the host. Frames are plain objects; the transport owns
 * serialisation (JSON for WebSocket, structured clone for Electron IPC).
 */
export interface Transport<Out = unknown> {
  send(frame: Out): void;
  onMessage(listener: (frame: unknown) => void): () => void;
  onClose(listener: (reason: string) => void): () => void;
  close(): void;
}
