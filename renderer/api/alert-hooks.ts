import { useCallback, useEffect, useState } from 'react';
import type { Alert } from '../../shared/resources';
import { useClient } from './context';

const MAX_SHOWN = 4;

/** Alerts raised while this page is open, newest last; each stays until dismissed or `ttlMs` passes. */
export function useRaisedAlerts(enabled: boolean, ttlMs = 15_000): { alerts: Alert[]; dismiss: (id: string) => void } {
  const client = useClient();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const dismiss = useCallback((id: string) => setAlerts((current) => current.filter((a) => a.id !== id)), []);

  useEffect(() => {
    if (!enabled) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = client.on('alerts.raised', (alert) => {
      setAlerts((current) => (current.some((a) => a.id === alert.id) ? current : [...current, alert].slice(-MAX_SHOWN)));
      const timer = setTimeout(() => {
        timers.delete(timer);
        dismiss(alert.id);
      }, ttlMs);
      timers.add(timer);
    });
    return () => {
      off();
      timers.forEach(clearTimeout);
    };
  }, [client, enabled, ttlMs, dismiss]);

  return { alerts, dismiss };
}
