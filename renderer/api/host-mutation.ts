import { useMutation, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { LlmClient } from '../../shared/contract';
import { useClient } from './context';

/** Where a mutation's answer goes: straight into one query's cache, or through a function that knows more places. */
export type AnswerTarget<TData> = QueryKey | ((queryClient: QueryClient, answer: TData) => void);

/**
 * A mutation that asks the host (`call`) and writes the answer into the cache (`into`), so nothing
 * refetches: the shape every action hook of renderer/api shares. `onError` sees the query client too.
 */
export function useHostMutation<TVariables = void, TData = unknown>(
  call: (client: LlmClient, variables: TVariables) => Promise<TData>,
  into?: AnswerTarget<TData>,
  onError?: (queryClient: QueryClient, error: Error) => void,
) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: TVariables) => call(client, variables),
    onSuccess: (answer: TData) => {
      if (typeof into === 'function') into(queryClient, answer);
      else if (into) queryClient.setQueryData(into, answer);
    },
    onError: onError && ((error: Error) => onError(queryClient, error)),
  });
}
