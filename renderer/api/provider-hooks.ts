import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toAppError } from '../../shared/errors';
import { useClient } from './context';
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
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    // One mutation per tile for all three actions, so its error and pending state are the latest action's.
    mutationFn: ({ id, action }: { id: string; action: ProviderAction }) => client.invoke(`providers.${action}`, { id }),
    onSuccess: (state) => applyProviderState(queryClient, state),
  });
}

export function useStartAll() {
  return useAllAction('startAll');
}

export function useStopAll() {
  return useAllAction('stopAll');
}

function useAllAction(action: 'startAll' | 'stopAll') {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.invoke(`providers.${action}`),
    onSuccess: (states) => states.forEach((state) => applyProviderState(queryClient, state)),
  });
}
