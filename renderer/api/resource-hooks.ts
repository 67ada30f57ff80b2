import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { RANGE_MS, type ProviderUsage, type ResourceRange, type ResourceSample } from '../../shared/resources';
import { useClient } from './context';
import { queryKeys } from './query-keys';
import { feedFor } from './resource-feed';

/** Live samples (the last hour of them) while the calling component is mounted. */
export function useLiveSamples(): readonly ResourceSample[] {
  const feed = feedFor(useClient());
  useEffect(() => feed.acquire(), [feed]);
  return useSyncExternalStore(feed.subscribe, feed.getSnapshot);
}

/**
 * What a graph over `range` shows: the host's history (downsampled beyond a minute), then every
 * live sample since, cut to the range.
 */
export function useResourceSeries(range: ResourceRange): { samples: ResourceSample[]; isPending: boolean; error: unknown } {
  const client = useClient();
  const live = useLiveSamples();
  const history = useQuery({
    queryKey: queryKeys.resourceHistory(range),
    queryFn: () => client.invoke('resources.history', { range }),
    // Live samples extend it; refetched after a reconnect (every query is) or a range change.
    staleTime: Infinity,
    gcTime: 0,
  });
  const samples = useMemo(() => {
    const past = history.data?.samples ?? [];
    const lastPast = past.at(-1)?.at ?? -Infinity;
    const merged = [...past, ...live.filter((s) => s.at > lastPast)];
    const newest = merged.at(-1)?.at;
    return newest === undefined ? merged : merged.filter((s) => s.at > newest - RANGE_MS[range]);
  }, [history.data, live, range]);
  return { samples, isPending: history.isPending, error: history.error };
}

/** One provider's usage in the live samples, oldest first (for a sparkline). */
export function useProviderUsage(id: string, points = 60): ProviderUsage[] {
  const live = useLiveSamples();
  return useMemo(() => {
    const usage: ProviderUsage[] = [];
    for (let i = live.length - 1; i >= 0 && usage.length < points; i--) {
      const found = live[i]!.providers.find((p) => p.id === id);
      if (found) usage.push(found);
    }
    return usage.reverse();
  }, [live, id, points]);
}
