import { useAlertsInEffect } from '../../api/alert-hooks';
import { hashFor } from '../../state/ui';
import './alerts.css';

/**
 * The alerts in effect as in-app toasts, there until their condition clears or they are
 * dismissed: a disk that ran low before the page was opened shows too. The desktop app also
 * notifies once per alert; the toast is what stays.
 */
export function AlertToasts() {
  const { alerts, dismiss } = useAlertsInEffect();
  if (alerts.length === 0) return null;
  return (
    <div className="toasts" role="region" aria-label="Alerts" aria-live="assertive">
      {alerts.map((alert) => (
        <div key={alert.id} className={`toast toast-${alert.kind}`} role="alert" data-testid="alert-toast" data-kind={alert.kind}>
          <div className="toast-text">
            <strong className="toast-title">{alert.title}</strong>
            <p className="toast-message">{alert.message}</p>
            {alert.providerId && (
              <a className="toast-link" href={hashFor('logs', alert.providerId)}>
                Open its log
              </a>
            )}
          </div>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(alert.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
