import { useRef, useState, type ReactNode } from 'react';
import { CHAT_TITLE_MAX_CHARS, type ChatList as Chats, type ChatSummary } from '../../../shared/chats';
import { useDeleteChat, useRenameChat } from '../../api/chat-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';

/** With more conversations than this, a filter box above them. */
const FILTER_FROM = 6;

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

/** The conversations kept on the host, newest first: open one, name it, or delete it; past a few, filter them by name. */
export function ChatList({ list, current, onOpen, onDeleted }: ChatListProps) {
  const remove = useDeleteChat();
  const rename = useRenameChat();
  const [renaming, setRenaming] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const confirmDelete = (id: string, title: string) => {
    if (!window.confirm(`Delete the conversation “${title}”?\n\nIt is removed for every window and browser.`)) return;
    remove.mutate(id, { onSuccess: () => onDeleted(id) });
  };
  const chats = list?.chats ?? [];
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = words.length ? chats.filter((c) => words.every((w) => c.title.toLowerCase().includes(w))) : chats;
  return (
    <nav className="chat-list" aria-label="Conversations" data-testid="chat-list">
      {list?.chats.length === 0 && <p className="muted chat-list-empty">Conversations you have appear here.</p>}
      {(chats.length >= FILTER_FROM || filter) && (
        <input
          type="search"
          className="input chat-list-filter"
          placeholder="Find by name…"
          aria-label="Find a conversation by name"
          data-testid="chat-list-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      )}
      {words.length > 0 && shown.length === 0 && <p className="muted chat-list-empty">No conversation’s name has “{filter.trim()}”.</p>}
      <ul>
        {shown.map((chat) =>
          chat.id === renaming ? (
            <li key={chat.id} className={chat.id === current ? 'active' : undefined} data-testid="chat-list-item" data-chat={chat.id}>
              <NameForm
                chat={chat}
                onDone={(title) => {
                  setRenaming(undefined);
                  if (title !== undefined && title !== chat.title) rename.mutate({ id: chat.id, title });
                }}
              />
            </li>
          ) : (
            <li key={chat.id} className={chat.id === current ? 'active' : undefined} data-testid="chat-list-item" data-chat={chat.id}>
              <button
                type="button"
                className="chat-list-open"
                onClick={() => onOpen(chat.id)}
                onDoubleClick={() => setRenaming(chat.id)}
                title={chat.title}
              >
                <span className="chat-list-title">{chat.title}</span>
                <span className="chat-list-meta muted">
                  {when(chat.updatedAt)} · {chat.turns} message{chat.turns === 1 ? '' : 's'}
                </span>
              </button>
              <ItemAction what="Rename" chat={chat} testId="chat-list-rename" onClick={() => setRenaming(chat.id)}>
                ✎
              </ItemAction>
              <ItemAction what="Delete" chat={chat} testId="chat-list-delete" onClick={() => confirmDelete(chat.id, chat.title)}>
                ×
              </ItemAction>
            </li>
          ),
        )}
      </ul>
      {list && list.unreadable.length > 0 && (
        <p className="notice notice-warning chat-list-unreadable" data-testid="chat-list-unreadable">
          {list.unreadable.length === 1 ? 'One file' : `${list.unreadable.length} files`} in the chats folder could not be read and{' '}
          {list.unreadable.length === 1 ? 'was' : 'were'} left as {list.unreadable.length === 1 ? 'it is' : 'they are'}:{' '}
          <span className="mono">{list.unreadable.join(', ')}</span>
        </p>
      )}
      {remove.error && <ErrorNotice error={remove.error} title="Could not delete the conversation" />}
      {rename.error && <ErrorNotice error={rename.error} title="Could not rename the conversation" />}
    </nav>
  );
}

/** A small button beside a conversation, shown on hover or for the open one. */
function ItemAction({
  what,
  chat,
  testId,
  onClick,
  children,
}: {
  what: string;
  chat: ChatSummary;
  testId: string;
  onClick(): void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="chat-list-action"
      aria-label={`${what} ${chat.title}`}
      title={what}
      data-testid={testId}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/**
 * A conversation's name, edited in place: Enter or leaving the field keeps it, Escape leaves it as
 * it was. Emptied, the conversation is named by its first question again.
 */
function NameForm({ chat, onDone }: { chat: ChatSummary; onDone(title: string | undefined): void }) {
  const [title, setTitle] = useState(chat.title);
  // Enter, then the blur of the field going away: one answer.
  const finished = useRef(false);
  const finish = (value: string | undefined) => {
    if (finished.current) return;
    finished.current = true;
    onDone(value);
  };
  return (
    <form
      className="chat-list-rename"
      onSubmit={(event) => {
        event.preventDefault();
        finish(title);
      }}
    >
      <input
        autoFocus
        className="input"
        aria-label="Name of the conversation"
        data-testid="chat-list-name"
        maxLength={CHAT_TITLE_MAX_CHARS}
        placeholder="Empty: its first question"
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        onFocus={(event) => event.target.select()}
        onBlur={() => finish(title)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            finish(undefined);
          }
        }}
      />
    </form>
  );
}
