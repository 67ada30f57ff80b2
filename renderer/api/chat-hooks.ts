import { useQuery } from '@tanstack/react-query';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

/** The conversations kept on the host, newest first; kept current by `chats.changed` (any window's saves). */
export function useChats() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.chats, queryFn: () => client.invoke('chats.list') });
}

export function useDeleteChat() {
  return useHostMutation((client, id: string) => client.invoke('chats.delete', { id }), queryKeys.chats);
}
