import { useQuery } from '@tanstack/react-query';
import { searchTerms } from '../../shared/chat-search';
import type { ChatList } from '../../shared/chats';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

/** The conversations kept on the host, newest first; kept current by `chats.changed` (any window's saves). */
export function useChats() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.chats, queryFn: () => client.invoke('chats.list') });
}

/** The conversations with every word of `query` in their name or messages (nothing is asked for a blank one). */
export function useChatSearch(query: string) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.chatSearch(query),
    queryFn: () => client.invoke('chats.search', { query }),
    enabled: searchTerms(query).length > 0,
  });
}

export function useDeleteChat() {
  return useHostMutation((client, id: string) => client.invoke('chats.delete', { id }), queryKeys.chats);
}

/** The answer is the one conversation's summary: it takes that conversation's place in the list (chats.changed brings the rest). */
export function useRenameChat() {
  return useHostMutation(
    (client, change: { id: string; title: string }) => client.invoke('chats.rename', change),
    (queryClient, summary) =>
      queryClient.setQueryData<ChatList>(queryKeys.chats, (list) =>
        list ? { ...list, chats: list.chats.map((chat) => (chat.id === summary.id ? summary : chat)) } : list,
      ),
  );
}
