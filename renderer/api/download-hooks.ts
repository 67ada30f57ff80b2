import { useQuery } from '@tanstack/react-query';
import type { Contract } from '../../shared/contract';
import type { InputOf } from '../../shared/rpc/define';
import { useClient } from './context';
import { applyDownloadState } from './download-sync';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

export type DownloadAction = 'cancel' | 'resume';

export type DownloadRequest = InputOf<Contract['requests']['downloads.start']>;

/** Downloads this session (and paused ones from before); kept live by `downloads.progress` events, not polling. */
export function useDownloads() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.downloads, queryFn: () => client.invoke('downloads.list') });
}

export function useStartDownload() {
  return useHostMutation((client, request: DownloadRequest) => client.invoke('downloads.start', request), applyDownloadState);
}

/** Cancel or resume one download; one mutation per row, so its error is that row's latest action's. */
export function useDownloadAction() {
  return useHostMutation(
    (client, { id, action }: { id: string; action: DownloadAction }) => client.invoke(`downloads.${action}`, { id }),
    applyDownloadState,
  );
}

/** Forget a download (and its partial bytes); the host answers with the list that remains. */
export function useRemoveDownload() {
  return useHostMutation((client, id: string) => client.invoke('downloads.remove', { id }), queryKeys.downloads);
}
