import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { Alert } from '../../shared/resources';
import { useClient } from './context';
import { queryKeys } from './query-keys';

const MAX_SHOWN = 4;
/** Alerts dismissed in this browser, by id: a reload must not bring back a toast the user closed. */
const DISMISSED_KEY = 'local-llm-manager.dismissed-alerts';

function readDismissed(): ReadonlySet<string> {
  try {
    const ids: unknown = JSON.parse(window.localStorage.getItem(DISMISSED_KEY) ?? '[]');
    return new Set(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    // Storage off (a private window) or a value someone else wrote: nothing dismissed.
    return new Set();
  }
}

function saveDismissed(ids: ReadonlySet<string>): void {
  try {
    window.localStorage.setItem(DISMISSED_KEY, JSON.stringify([...ids]));
  } catch {
    // Dismissed for this page only.
  }
}

/**
 * The alerts in effect (a condition that still holds, whenever it was raised: before this page
 * opened too), newest last; kept current by `alerts.changed`. One dismissed stays hidden, across
 * reloads, until its condition clears and is raised again (a new alert with a new id).
 */
export function useAlertsInEffect(): { alerts: Alert[]; dismiss: (id: string) => void } {
  const client = useClient();
  const { data } = useQuery({ queryKey: queryKeys.alerts, queryFn: () => client.invoke('alerts.active') });
  const [dismissed, setDismissed] = useState(readDismissed);
  const inEffect = data?.alerts;
  const dismiss = useCallback(
    (id: string) =>
      setDismissed((current) => {
        // Only ids still in effect are worth keeping: the list cannot grow with every alert ever closed.
        const next = new Set([...current].filter((known) => inEffect?.some((alert) => alert.id === known)));
        next.add(id);
        saveDismissed(next);
        return next;
      }),
    [inEffect],
  );
  const alerts = (inEffect ?? []).filter((alert) => !dismissed.has(alert.id)).slice(-MAX_SHOWN);
  return { alerts, dismiss };
}
