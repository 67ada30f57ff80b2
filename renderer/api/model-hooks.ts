import { useQuery } from '@tanstack/react-query';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

/**
 * The GGUF files in the models folder. The host sends no event when files change, so this polls;
 * refetching on focus also catches a file the user just copied in from a file manager.
 */
export function useModels() {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.models,
    queryFn: () => client.invoke('models.list'),
    refetchInterval: 10_000,
    refetchOnWindowFocus: true,
  });
}

/** Deletes a model file; the host answers with the new list, which replaces the cached one. */
export function useDeleteModel() {
  return useHostMutation(
    (client, file: string) => client.invoke('models.delete', { file }),
    (queryClient, answer) => {
      queryClient.setQueryData(queryKeys.models, answer);
      // A tile whose model this was now needs another.
      void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
    },
  );
}
