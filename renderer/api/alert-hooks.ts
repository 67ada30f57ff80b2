import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { Alert } from '../../shared/resources';
import { useClient } from './context';
import { queryKeys } from './query-keys';

const MAX_SHOWN = 4;

/**
 * The alerts in effect (a condition that still holds, whenever it was raised: before this page
 * opened too), newest last; kept current by `alerts.changed`. One dismissed stays hidden on this
 * page until its condition clears and is raised again (a new alert).
 */
export function useAlertsInEffect(): { alerts: Alert[]; dismiss: (id: string) => void } {
  const client = useClient();
  const { data } = useQuery({ queryKey: queryKeys.alerts, queryFn: () => client.invoke('alerts.active') });
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const dismiss = useCallback((id: string) => setDismissed((current) => new Set(current).add(id)), []);
  const alerts = (data?.alerts ?? []).filter((alert) => !dismissed.has(alert.id)).slice(-MAX_SHOWN);
  return { alerts, dismiss };
}
