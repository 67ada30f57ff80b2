export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

export interface ConnectionState {
  status: ConnectionStatus;
  via: 'ipc' | 'ws';
  detail?: string;
}

/** A tiny observable for useSyncExternalStore: the client's link to the host. */
export class ConnectionStore {
  private state: ConnectionState;
  private readonly listeners = new Set<() => void>();

  constructor(initial: ConnectionState) {
    this.state = initial;
  }

  get = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(next: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...next };
    this.listeners.forEach((listener) => listener());
  }
}
