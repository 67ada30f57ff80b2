import { useQuery } from '@tanstack/react-query';
import type { Contract } from '../../shared/contract';
import type { InputOf } from '../../shared/rpc/define';
import { useClient } from './context';
import { applyDownloadState } from './download-sync';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

export type HubPullRequest = InputOf<Contract['requests']['hub.pull']>;

/** The starter list with fit hints for this machine; it changes only when the host restarts. */
export function useHubStarters() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.hubStarters, queryFn: () => client.invoke('hub.starters'), staleTime: Infinity });
}

/** Pulls a file (or split set) of a repository; its downloads go into the download list at once. */
export function useHubPull() {
  return useHostMutation(
    (client, request: HubPullRequest) => client.invoke('hub.pull', request),
    (queryClient, answer) => answer.downloads.forEach((d) => applyDownloadState(queryClient, d)),
  );
}
