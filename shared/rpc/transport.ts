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

/**
 * Handed to `onMessage` in place of a frame when the bytes could not be read as one (not JSON,
 * binary, too big); the server answers it with BAD_MESSAGE naming `reason`.
 */
export class UnreadableFrame {
  constructor(readonly reason: string) {}
}
