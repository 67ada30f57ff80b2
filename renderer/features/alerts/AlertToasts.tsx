import { useAppInfo } from '../../api/hooks';
import { useRaisedAlerts } from '../../api/alert-hooks';
import { hashFor } from '../../state/ui';
import './alerts.css';

/**
 * Alerts as in-app toasts. Only in the browser (headless mode): the desktop app shows the same
 * alerts as system notifications, and one alert should not arrive twice.
 */
export function AlertToasts() {
  const { data: info } = useAppInfo();
  const { alerts, dismiss } = useRaisedAlerts(info?.mode === 'headless');
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
