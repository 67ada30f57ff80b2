import type { QueryClient } from '@tanstack/react-query';
import type { ProviderDetail, ProviderState } from '../../shared/provider';
import { patchDetailState, patchListState, type ProviderList } from './provider-cache';
import { queryKeys } from './query-keys';

/**
 * Writes one provider state into every cached place that shows it: the list and that provider's
 * detail. Used by `providers.state` events and by mutation answers, so neither refetches.
 */
export function applyProviderState(queryClient: QueryClient, state: ProviderState): void {
  queryClient.setQueryData<ProviderList>(queryKeys.providers, (list) => patchListState(list, state));
  queryClient.setQueryData<ProviderDetail>(queryKeys.provider(state.id), (detail) => patchDetailState(detail, state));
}
