import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { LogSnapshot } from './log-buffer';
import { useClient, useLogRegistry } from './context';
import { queryKeys } from './query-keys';

/** A provider's live log while shown: watched on the host, its tail, then every `logs.lines` event for it. */
export function useLog(id: string): { snapshot: LogSnapshot; loadOlder: () => void; reload: () => void } {
  const registry = useLogRegistry();
  const buffer = registry.get(id);
  // Watching fetches the tail; in an effect so a render never starts a request. Unmounting (or
  // another id) ends the watch, so the host stops sending this log's lines to this client.
  useEffect(() => registry.watch(id), [registry, id]);
  const snapshot = useSyncExternalStore(buffer.subscribe, buffer.getSnapshot);
  const loadOlder = useCallback(() => void registry.loadOlder(id), [registry, id]);
  const reload = useCallback(() => void registry.load(id), [registry, id]);
  return { snapshot, loadOlder, reload };
}

/** Enough to see what matched; the host says `truncated` when there were more. */
const SEARCH_LIMIT = 2000;

export interface LogSearchParams {
  query: string;
  regex: boolean;
  caseSensitive: boolean;
}

/** Searches the log files on disk (the whole history, not just the buffer). Runs only once `params` is set. */
export function useLogSearch(id: string, params: LogSearchParams | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.logSearch(id, params?.query ?? '', params?.regex ?? false, params?.caseSensitive ?? false),
    queryFn: () => {
      if (!params) throw new Error('No search query.'); // unreachable: `enabled` holds the query back
      return client.invoke('logs.search', { id, ...params, limit: SEARCH_LIMIT });
    },
    enabled: params !== undefined,
    // Files only grow; a search is a snapshot the user re-runs on purpose.
    staleTime: Infinity,
    retry: false,
  });
}
