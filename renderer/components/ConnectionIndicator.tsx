import { useConnection } from '../api/context';
import type { ConnectionStatus } from '../api/connection';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Reconnecting…',
  unauthorized: 'Not authorized',
};

export function ConnectionIndicator() {
  const { status, via, detail } = useConnection();
  // "Reconnecting…" is already the label; repeating it as detail adds nothing.
  const extra = detail && detail !== LABELS[status] ? detail : undefined;
  return (
    <div className={`connection connection-${status}`} data-testid="connection-indicator" data-status={status} role="status">
      <span className="status-dot" aria-hidden="true" />
      <div className="connection-text">
        <span className="connection-label">
          {LABELS[status]}
          {status === 'connected' && <span className="connection-via"> · {via === 'ipc' ? 'desktop' : 'WebSocket'}</span>}
        </span>
        {extra && <span className="connection-detail">{extra}</span>}
      </div>
    </div>
  );
}
