import { Notification } from 'electron';
import type { AlertRules } from '../services/resources/alert-rules';

/**
 * Shows each alert as a desktop notification; clicking it brings the window up. The browser UI
 * shows the same alerts as toasts instead (headless mode has no desktop to notify).
 */
export function showAlertsAsNotifications(alerts: AlertRules, showWindow: () => void): () => void {
  if (!Notification.isSupported()) return () => undefined;
  const onAlert = ({ title, message }: { title: string; message: string }) => {
    const notification = new Notification({ title, body: message });
    notification.on('click', showWindow);
    notification.show();
  };
  alerts.on('raised', onAlert);
  return () => alerts.off('raised', onAlert);
}
