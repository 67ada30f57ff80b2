import type { QueryClient } from '@tanstack/react-query';
import type { DownloadState } from '../../shared/provider';
import { upsertDownload } from './download-cache';
import { queryKeys } from './query-keys';

/**
 * Writes one download state into the cached list; used by `downloads.progress` events and by
 * action answers alike. A download that just finished refetches the models, so it shows up.
 */
export function applyDownloadState(queryClient: QueryClient, state: DownloadState): void {
  const before = queryClient.getQueryData<DownloadState[]>(queryKeys.downloads)?.find((d) => d.id === state.id);
  queryClient.setQueryData<DownloadState[]>(queryKeys.downloads, (list) => upsertDownload(list, state));
  if (state.status === 'done' && before?.status !== 'done') {
    void queryClient.invalidateQueries({ queryKey: queryKeys.models });
    // The first model in the folder is what the engine's tile was waiting for.
    void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
  }
}
