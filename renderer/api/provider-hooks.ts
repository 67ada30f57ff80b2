import { useQuery } from '@tanstack/react-query';
import { toAppError } from '../../shared/errors';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { applyProviderState } from './provider-sync';
import { queryKeys } from './query-keys';

export type ProviderAction = 'start' | 'stop' | 'restart';

/** Every provider with its live state; kept current by `providers.state` events, not polling. */
export function useProviders() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.providers, queryFn: () => client.invoke('providers.list') });
}

export function useProvider(id: string) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.provider(id),
    queryFn: () => client.invoke('providers.get', { id }),
    // An unknown id (a stale link) will not appear by asking again.
    retry: (failures, error) => failures < 1 && toAppError(error).code !== 'NOT_FOUND',
  });
}

/**
 * Start, stop or restart one provider. No optimistic update: the host pushes each transition
 * (starting, running…) as an event; the answer is written too, in case an event was missed.
 */
export function useProviderAction() {
  // One mutation per tile for all three actions, so its error and pending state are the latest action's.
  return useHostMutation(
    (client, { id, action }: { id: string; action: ProviderAction }) => client.invoke(`providers.${action}`, { id }),
    applyProviderState,
  );
}

export function useStartAll() {
  return useAllAction('startAll');
}

export function useStopAll() {
  return useAllAction('stopAll');
}

function useAllAction(action: 'startAll' | 'stopAll') {
  return useHostMutation(
    (client) => client.invoke(`providers.${action}`),
    (queryClient, states) => states.forEach((state) => applyProviderState(queryClient, state)),
  );
}
