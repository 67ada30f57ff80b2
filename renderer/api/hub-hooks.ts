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

export type HubSort = NonNullable<InputOf<Contract['requests']['hub.search']>['sort']>;

/** GGUF repositories on the hub; runs once a query is given, cached per query and order. */
export function useHubSearch(query: string | undefined, sort: HubSort) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.hubSearch(query ?? '', sort),
    queryFn: () => client.invoke('hub.search', { query: query ?? '', sort, limit: 30 }),
    enabled: query !== undefined,
    staleTime: 5 * 60_000,
  });
}

/** A repository's GGUF choices with fit hints, its licence and card summary; fetched when one is selected. */
export function useHubFiles(repo: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.hubFiles(repo ?? ''),
    queryFn: () => client.invoke('hub.files', { repo: repo! }),
    enabled: repo !== undefined,
    staleTime: 5 * 60_000,
  });
}

/** Pulls a file (or split set) of a repository; its downloads go into the download list at once. */
export function useHubPull() {
  return useHostMutation(
    (client, request: HubPullRequest) => client.invoke('hub.pull', request),
    (queryClient, answer) => answer.downloads.forEach((d) => applyDownloadState(queryClient, d)),
  );
}
