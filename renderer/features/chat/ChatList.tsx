import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { CHAT_SEARCH_MAX_CHARS, hasEvery, marksIn, termPatterns, type ChatSearchHit } from '../../../shared/chat-search';
import { CHAT_TITLE_MAX_CHARS, type ChatList as Chats, type ChatSummary } from '../../../shared/chats';
import { useChatSearch, useDeleteChat, useRenameChat } from '../../api/chat-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Marked } from '../../components/Marked';
import { formatInteger } from '../../format/count';
import { useDebounced } from '../../hooks/use-debounced';
import './chat-list.css';

/** With at least this many conversations, a box above them finds them by their names and messages. */
const FIND_FROM = 2;
/** The host is asked once typing pauses this long; names are matched at once meanwhile. */
const SEARCH_DELAY_MS = 250;
/** A row's height before it is measured: a name of one or two lines and the time, or that and a snippet. */
const ROW_PX = 70;
const ROW_WITH_SNIPPET_PX = 125;

/** Where a conversation was found: the message to show. */
export interface FoundAt {
  turn?: number;
}

interface ChatListProps {
  list: Chats | undefined;
  current: string;
  /** What the box says: the page marks it in the conversation shown too. */
  filter: string;
  /** The box's words (searchTerms of it), which the page marks in the conversation shown too. */
  terms: readonly string[];
  onFilter(filter: string): void;
  /** Enter (Shift+Enter) in the box: the next (previous) place the words are in the conversation shown. */
  onFindStep(direction: 1 | -1): void;
  onOpen(id: string, found?: FoundAt): void;
  onDeleted(id: string): void;
}

/** Yesterday's date or today's time: enough to tell conversations apart. */
function when(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString();
}

/**
 * The conversations kept on the host, newest first: open one, name it, or delete it. Past one, a
 * box finds them by words in their names (at once) and messages (the host's answer, once typing
 * pauses), each with the message it was found by; opening one shows that message.
 */
export function ChatList({ list, current, filter, terms, onFilter, onFindStep, onOpen, onDeleted }: ChatListProps) {
  const remove = useDeleteChat();
  const rename = useRenameChat();
  const [renaming, setRenaming] = useState<string | undefined>();
  const query = filter.trim();
  const search = useChatSearch(useDebounced(query, SEARCH_DELAY_MS));
  const patterns = useMemo(() => termPatterns(terms), [terms]);
  const confirmDelete = (id: string, title: string) => {
    if (!window.confirm(`Delete the conversation “${title}”?\n\nIt is removed for every window and browser.`)) return;
    remove.mutate(id, { onSuccess: () => onDeleted(id) });
  };
  const chats = list?.chats ?? [];
  // The host's answer once it is for what the box says; till then, the names that match.
  const answered = terms.length > 0 && search.data?.query === query ? search.data : undefined;
  const shown: ChatSearchHit[] = answered
    ? answered.hits
    : terms.length > 0
      ? chats.filter((c) => hasEvery(c.title, patterns)).map((c) => ({ ...c, titleMarks: marksIn(c.title, patterns), matchingTurns: 0 }))
      : chats.map((c) => ({ ...c, titleMarks: [], matchingTurns: 0 }));
  const looking = terms.length > 0 && !answered && !search.error;
  // Only the rows in view (and a few beyond) are on the page: thousands of conversations cost as
  // little to show, and to filter a keystroke at a time, as a dozen.
  const rows = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => rows.current,
    estimateSize: (index) => (shown[index]?.snippet ? ROW_WITH_SNIPPET_PX : ROW_PX),
    getItemKey: (index) => shown[index]!.id,
    overscan: 8,
  });
  // The conversation open is brought into view when it is opened (from a branch's link, say) and
  // when the box is emptied (after finding an old one, the list shows where it is); not while one
  // types (the best matches stay on top), nor when a save moves it up while one looks further down.
  const scrolledTo = useRef<{ id: string; everything: boolean } | undefined>(undefined);
  useEffect(() => {
    const everything = query === '';
    const last = scrolledTo.current;
    if (last?.id === current && (everything ? last.everything : true)) {
      last.everything = everything;
      return;
    }
    const index = shown.findIndex((chat) => chat.id === current);
    if (index < 0) return;
    scrolledTo.current = { id: current, everything };
    virtualizer.scrollToIndex(index, { align: 'auto' });
  });
  // Up and Down (Home, End) move between the conversations, as between a list's items; the row
  // asked for may not be drawn yet (only those in view are), so it is focused once it is.
  const focusWanted = useRef<number | undefined>(undefined);
  const focusRow = (index: number) => {
    if (shown.length === 0) return;
    focusWanted.current = Math.max(0, Math.min(shown.length - 1, index));
    virtualizer.scrollToIndex(focusWanted.current, { align: 'auto' });
    focusDrawnRow();
  };
  const focusDrawnRow = () => {
    const wanted = focusWanted.current;
    if (wanted === undefined) return;
    const button = rows.current?.querySelector<HTMLButtonElement>(`li[data-index="${wanted}"] .chat-list-open`);
    if (!button) return;
    focusWanted.current = undefined;
    button.focus();
  };
  useEffect(focusDrawnRow);
  const onRowKey = (event: KeyboardEvent<HTMLElement>) => {
    const index = Number((event.target as HTMLElement).closest('li')?.dataset.index);
    const next: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: shown.length - 1 };
    if (Number.isNaN(index) || !Object.hasOwn(next, event.key) || (event.target as HTMLElement).tagName === 'INPUT') return;
    event.preventDefault();
    focusRow(next[event.key]!);
  };
  return (
    <nav className="chat-list" aria-label="Conversations" data-testid="chat-list">
      {list?.chats.length === 0 && <p className="muted chat-list-empty">Conversations you have appear here.</p>}
      {(chats.length >= FIND_FROM || filter) && (
        <input
          type="search"
          className="input chat-list-filter"
          placeholder="Find in conversations…"
          aria-label="Find conversations by words in their names or messages"
          data-testid="chat-list-filter"
          maxLength={CHAT_SEARCH_MAX_CHARS}
          value={filter}
          onChange={(event) => onFilter(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') {
              event.preventDefault();
              return focusRow(0);
            }
            if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
            event.preventDefault();
            onFindStep(event.shiftKey ? -1 : 1);
          }}
        />
      )}
      {looking && (
        <p className="muted chat-list-empty" data-testid="chat-list-looking">
          {shown.length ? 'Names that match; looking in the messages too…' : 'Looking in the messages…'}
        </p>
      )}
      {answered && shown.length === 0 && (
        <p className="muted chat-list-empty" data-testid="chat-list-none">
          No conversation has “{query}” in its name or messages.
        </p>
      )}
      {search.error && terms.length > 0 && <ErrorNotice error={search.error} title="Could not look in the conversations" />}
      <div className="chat-list-rows" ref={rows} data-testid="chat-list-rows" onKeyDown={onRowKey}>
        <ul style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const chat = shown[row.index]!;
            const item = {
              ref: virtualizer.measureElement,
              'data-index': row.index,
              style: { transform: `translateY(${row.start}px)` },
              className: chat.id === current ? 'active' : undefined,
              'data-testid': 'chat-list-item',
              'data-chat': chat.id,
            };
            return chat.id === renaming ? (
              <li key={row.key} {...item}>
                <NameForm
                  chat={chat}
                  onDone={(title) => {
                    setRenaming(undefined);
                    if (title !== undefined && title !== chat.title) rename.mutate({ id: chat.id, title });
                  }}
                />
              </li>
            ) : (
              <li key={row.key} {...item}>
                <button
                  type="button"
                  className="chat-list-open"
                  onClick={() => onOpen(chat.id, chat.snippet ? { turn: chat.snippet.turn } : undefined)}
                  onDoubleClick={() => setRenaming(chat.id)}
                  title={chat.title}
                >
                  <span className="chat-list-title">
                    <Marked text={chat.title} marks={chat.titleMarks} />
                  </span>
                  <span className="chat-list-meta muted">
                    {when(chat.updatedAt)} · {chat.turns} message{chat.turns === 1 ? '' : 's'}
                    {chat.matchingTurns > 0 &&
                      ` · found in ${formatInteger(chat.matchingTurns)} message${chat.matchingTurns === 1 ? '' : 's'}`}
                  </span>
                  {chat.snippet && (
                    <span className="chat-list-snippet" data-testid="chat-list-snippet">
                      {chat.snippet.role === 'user' ? 'You: ' : ''}
                      <Marked text={chat.snippet.text} marks={chat.snippet.marks} />
                    </span>
                  )}
                </button>
                <ItemAction what="Rename" chat={chat} testId="chat-list-rename" onClick={() => setRenaming(chat.id)}>
                  ✎
                </ItemAction>
                <ItemAction what="Delete" chat={chat} testId="chat-list-delete" onClick={() => confirmDelete(chat.id, chat.title)}>
                  ×
                </ItemAction>
              </li>
            );
          })}
        </ul>
      </div>
      {answered && answered.more > 0 && (
        <p className="muted chat-list-empty" data-testid="chat-list-more">
          …and {formatInteger(answered.more)} older: another word narrows them down.
        </p>
      )}
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
