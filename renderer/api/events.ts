import type { QueryClient } from '@tanstack/react-query';
import type { ApiConnection } from './client';
import { queryKeys } from './query-keys';

/** Pushes host events into the query cache so every screen renders what the host says. */
export function wireEventsToCache(api: ApiConnection, queryClient: QueryClient): () => void {
  const offs = [
    api.client.on('settings.changed', (state) => queryClient.setQueryData(queryKeys.settings, state)),
    // Events sent while we were away are lost: refetch everything after a reconnect.
    api.onReconnect(() => void queryClient.invalidateQueries()),
  ];
  return () => offs.forEach((off) => off());
}
