import type { ChatList as Chats } from '../../../shared/chats';
import { useDeleteChat } from '../../api/chat-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';

interface ChatListProps {
  list: Chats | undefined;
  current: string;
  onOpen(id: string): void;
  onDeleted(id: string): void;
}

/** Yesterday's date or today's time: enough to tell conversations apart. */
function when(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString();
}

/** The conversations kept on the host, newest first: open one, or delete it. */
export function ChatList({ list, current, onOpen, onDeleted }: ChatListProps) {
  const remove = useDeleteChat();
  const confirmDelete = (id: string, title: string) => {
    if (!window.confirm(`Delete the conversation “${title}”?\n\nIt is removed for every window and browser.`)) return;
    remove.mutate(id, { onSuccess: () => onDeleted(id) });
  };
  return (
    <nav className="chat-list" aria-label="Conversations" data-testid="chat-list">
      {list?.chats.length === 0 && <p className="muted chat-list-empty">Conversations you have appear here.</p>}
      <ul>
        {list?.chats.map((chat) => (
          <li key={chat.id} className={chat.id === current ? 'active' : undefined} data-testid="chat-list-item" data-chat={chat.id}>
            <button type="button" className="chat-list-open" onClick={() => onOpen(chat.id)} title={chat.title}>
              <span className="chat-list-title">{chat.title}</span>
              <span className="chat-list-meta muted">
                {when(chat.updatedAt)} · {chat.turns} message{chat.turns === 1 ? '' : 's'}
              </span>
            </button>
            <button
              type="button"
              className="chat-list-delete"
              aria-label={`Delete ${chat.title}`}
              data-testid="chat-list-delete"
              onClick={() => confirmDelete(chat.id, chat.title)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {list && list.unreadable.length > 0 && (
        <p className="notice notice-warning chat-list-unreadable" data-testid="chat-list-unreadable">
          {list.unreadable.length === 1 ? 'One file' : `${list.unreadable.length} files`} in the chats folder could not be read and{' '}
          {list.unreadable.length === 1 ? 'was' : 'were'} left as {list.unreadable.length === 1 ? 'it is' : 'they are'}:{' '}
          <span className="mono">{list.unreadable.join(', ')}</span>
        </p>
      )}
      {remove.error && <ErrorNotice error={remove.error} title="Could not delete the conversation" />}
    </nav>
  );
}
