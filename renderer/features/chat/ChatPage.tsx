import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { chatFileName, chatMarkdown } from '../../../shared/chat-markdown';
import { searchTerms } from '../../../shared/chat-search';
import {
  CHAT_DEFAULTS,
  chatTitle,
  newChatId,
  type ChatList as Chats,
  turnMetaOf,
  type ChatOptions,
  type ChatOrigin,
  type Turn,
} from '../../../shared/chats';
import { isAppError } from '../../../shared/errors';
import { useChats } from '../../api/chat-hooks';
import { useClient } from '../../api/context';
import { useGatewayStatus, useTryChat } from '../../api/gateway-hooks';
import { isTooLong, MessageTooLong, SendOrStop } from '../../components/chat-controls/SendControls';
import { EmptyState } from '../../components/EmptyState';
import { download } from '../../components/file-bytes';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageIcon } from '../../components/icons';
import { Loading } from '../../components/Loading';
import { GatewayModelSelect, useGatewayModels } from '../../components/model-choice/GatewayModelSelect';
import { Page } from '../../components/Page';
import { formatInteger } from '../../format/count';
import { hashFor } from '../../state/route';
import { ChatList, type FoundAt } from './ChatList';
import { ChatOptionsForm } from './ChatOptionsForm';
import { ChatTurn, StreamingTurn } from './ChatTurn';
import { useFoundHighlight, type FoundInPage } from './found-highlight';
import { lastChatId, messagesToSend, rememberChatId, whyNotSendable } from './conversation';
import './chat.css';

const storage = typeof window === 'undefined' ? undefined : window.localStorage;
/** Options typed into a conversation already kept are saved this long after the last keystroke. */
const OPTIONS_SAVE_DELAY_MS = 800;

interface Conversation {
  id: string;
  options: ChatOptions;
  turns: Turn[];
  /** Kept on the host (it has a first message). */
  kept: boolean;
  branchedFrom?: ChatOrigin;
}

/**
 * Conversations with any model the gateway serves or would load, streamed through the gateway as
 * any client's would be. They are kept on the host (chats/), so every window and browser has them.
 */
export function ChatPage() {
  const client = useClient();
  const status = useGatewayStatus();
  const models = useGatewayModels(status.data);
  const list = useChats();
  const [chat, setChat] = useState<Conversation | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [failure, setFailure] = useState<unknown>(undefined);
  const [editing, setEditing] = useState<number | undefined>(undefined);
  const input = useRef<HTMLTextAreaElement>(null);
  const tryChat = useTryChat();
  const end = useRef<HTMLDivElement>(null);
  const turnsPane = useRef<HTMLDivElement>(null);
  /** branchAt as last drawn, behind one function that stays the same: the turns (memoised) take it without being drawn again. */
  const branchAtNow = useRef<(upTo: number, question?: string) => void>(() => undefined);
  const branch = useCallback((upTo: number, question?: string) => branchAtNow.current(upTo, question), []);
  /** What the list's box looks for: marked in the conversation shown too. */
  const [filter, setFilter] = useState('');
  const findTerms = useMemo(() => searchTerms(filter), [filter]);
  /** The message a search result opened the conversation at, shown once it is there. */
  const [foundTurn, setFoundTurn] = useState<{ id: string; turn: number } | undefined>(undefined);

  /** How many turns the host said it holds of the conversation shown, and when it was saved (its last save's answer, or as opened). */
  const confirmed = useRef<{ id: string; turns: number; updatedAt?: string } | undefined>(undefined);
  const startNew = useCallback((options: ChatOptions = CHAT_DEFAULTS) => {
    const id = newChatId();
    confirmed.current = { id, turns: 0 };
    setChat({ id, options, turns: [], kept: false });
    setFailure(undefined);
  }, []);
  const open = useCallback(
    (id: string, at?: FoundAt) => {
      client.invoke('chats.get', { id }).then(
        (found) => {
          confirmed.current = { id: found.id, turns: found.turns.length, updatedAt: found.updatedAt };
          setChat({ id: found.id, options: found.options, turns: found.turns, kept: true, branchedFrom: found.branchedFrom });
          setFoundTurn(at?.turn !== undefined && at.turn < found.turns.length ? { id: found.id, turn: at.turn } : undefined);
          setFailure(undefined);
          rememberChatId(storage, found.id);
        },
        (error: unknown) => {
          // Gone (deleted elsewhere): a new one. Unreadable: a new one too, saying why that one did not open.
          startNew();
          if (!(isAppError(error) && error.code === 'NOT_FOUND')) setFailure(error);
        },
      );
    },
    [client, startNew],
  );
  // On arrival: the conversation this browser showed last, else the newest, else a new one.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || (!list.data && !list.error)) return;
    opened.current = true;
    // The list could not be read: a new conversation still works (saving says what is wrong).
    const id = lastChatId(storage) ?? list.data?.chats[0]?.id;
    if (id) open(id);
    else startNew();
  }, [list.data, list.error, open, startNew]);

  // Follow the answer as it streams, unless the reader has scrolled up to read something else.
  useEffect(() => {
    const pane = end.current?.closest('.main');
    // The pane's very end: the composer stays in view (sticky) and the newest text just above it.
    if (pane && pane.scrollHeight - pane.scrollTop - pane.clientHeight < 200) pane.scrollTop = pane.scrollHeight;
  }, [chat?.turns.length, tryChat.text, tryChat.reasoning]);
  // Opened from a search: that message in view (after the line above, which may have gone to the end).
  useEffect(() => {
    if (foundTurn === undefined) return;
    turnsPane.current?.querySelector(`[data-turn="${foundTurn.turn}"]`)?.scrollIntoView({ block: 'center' });
  }, [foundTurn]);
  const foundHere = useFoundHighlight(turnsPane, useDeferredValue(findTerms), chat?.turns);

  /**
   * Saves the conversation's turns from `from` on (and its options) on the host, which holds `known`
   * turns before this. Saves go one at a time, each from what the host last confirmed it holds: one
   * that failed (a full disk, the host away) is made good by the next, which would otherwise be
   * refused as made on an older copy.
   */
  const saving = useRef<Promise<void>>(Promise.resolve());
  const savesInFlight = useRef(0);
  const persist = useCallback(
    (conversation: Conversation, from: number, known: number) => {
      savesInFlight.current++;
      saving.current = saving.current.then(() => {
        const held = confirmed.current?.id === conversation.id ? confirmed.current.turns : known;
        const start = Math.min(from, held);
        return client
          .invoke('chats.put', {
            id: conversation.id,
            options: conversation.options,
            known: held,
            from: start,
            turns: conversation.turns.slice(start),
          })
          .then((summary) => {
            if (confirmed.current?.id === conversation.id)
              confirmed.current = { id: conversation.id, turns: summary.turns, updatedAt: summary.updatedAt };
            rememberChatId(storage, conversation.id);
          }, setFailure)
          .finally(() => savesInFlight.current--);
      });
      return saving.current;
    },
    [client],
  );
  // Options typed into a kept conversation are saved once typing pauses: with the turns as they are
  // then (never an older copy, which would cut the answers saved since), changing none of them.
  const latest = useRef(chat);
  latest.current = chat;
  const optionsDirty = useRef(false);
  useEffect(() => {
    if (!optionsDirty.current) return;
    const timer = setTimeout(() => {
      const now = latest.current;
      optionsDirty.current = false;
      if (now?.kept) void persist(now, now.turns.length, now.turns.length);
    }, OPTIONS_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [chat?.options, persist]);

  // Saved elsewhere meanwhile (another window or browser, a sync): the conversation shown follows,
  // unless this page is busy with it (an answer coming, a save on its way, the last question being
  // edited, options typed), when its own next save is refused as made on an older copy instead; and
  // not while it shows a failure (a refused save's turns stay on the page until the user chooses).
  const savedAt = list.data?.chats.find((c) => c.id === chat?.id)?.updatedAt;
  useEffect(() => {
    const mine = confirmed.current;
    if (!chat?.kept || mine?.id !== chat.id || mine.updatedAt === undefined || savedAt === undefined || savedAt === mine.updatedAt) return;
    if (tryChat.running || editing !== undefined || failure !== undefined || savesInFlight.current > 0 || optionsDirty.current) return;
    const id = chat.id;
    client.invoke('chats.get', { id }).then(
      (found) => {
        // Still the one shown, and still idle: what the host has replaces what this page had.
        if (latest.current?.id !== id || savesInFlight.current > 0 || optionsDirty.current) return;
        confirmed.current = { id, turns: found.turns.length, updatedAt: found.updatedAt };
        setChat((current) => (current?.id === id ? { ...current, options: found.options, turns: found.turns } : current));
      },
      // Deleted or unreadable meanwhile: the list says so; this page keeps what it shows.
      () => undefined,
    );
  }, [savedAt, chat?.id, chat?.kept, tryChat.running, editing, failure, client]);

  if (!chat || status.isPending) return <Loading label="Loading conversations…" />;
  const model = models.pick(chat.options.model);

  const setOptions = (options: ChatOptions) => {
    optionsDirty.current = chat.kept;
    setChat({ ...chat, options });
  };

  /** Sends the conversation up to its last question; `from` is where it differs from what the host keeps. False (the reason shown) when the host would refuse it. */
  const ask = (turns: Turn[], from: number): boolean => {
    const options = { ...chat.options, model };
    const { messages } = messagesToSend(options, turns);
    const request = {
      model,
      messages,
      maxTokens: options.maxTokens,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    };
    const refused = whyNotSendable(request);
    setFailure(
      refused ? new Error(`This conversation cannot be sent (${refused}). Start a new chat or shorten the system prompt.`) : undefined,
    );
    if (refused) return false;
    const asked = { ...chat, options, turns, kept: true };
    optionsDirty.current = false;
    setChat(asked);
    void persist(asked, from, chat.kept ? chat.turns.length : 0);
    tryChat.send(request).then(
      (result) => {
        // Stopped before a word arrived: nothing to keep, the question stays for another try.
        if (result.cancelled && result.text === '' && !result.reasoning) return;
        const meta = turnMetaOf(result);
        const answered = {
          ...asked,
          turns: [
            ...turns,
            { role: 'assistant' as const, content: result.text, ...(result.reasoning ? { reasoning: result.reasoning } : {}), meta },
          ],
        };
        // Only if this conversation is still the one shown; saved either way.
        setChat((current) => (current?.id === asked.id ? answered : current));
        void persist(answered, turns.length, turns.length);
      },
      (error: unknown) => setFailure(error),
    );
    return true;
  };

  const tooLong = isTooLong(draft);
  const canSend = model !== '' && draft.trim() !== '' && !tooLong && !tryChat.running && Boolean(status.data?.url);
  // Editing the last question: sending replaces it, and the answer after it.
  const from = editing !== undefined && editing < chat.turns.length ? editing : chat.turns.length;
  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (canSend && ask([...chat.turns.slice(0, from), { role: 'user', content: draft }], from)) {
      setDraft('');
      setEditing(undefined);
    }
  };
  const cancelEdit = () => {
    setEditing(undefined);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; a key that ends an IME composition is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
    // Escape stops the answer, or leaves the edit.
    if (event.key === 'Escape') {
      if (tryChat.running) tryChat.stop();
      else if (editing !== undefined) cancelEdit();
    }
  };
  const lastQuestion = chat.turns.findLastIndex((t) => t.role === 'user');
  const edit = () => {
    setEditing(lastQuestion);
    setDraft(chat.turns[lastQuestion]!.content);
    input.current?.focus();
  };
  /**
   * Goes on from the first `upTo` turns in a new conversation (the host copies them: one this long
   * may not fit a message from here), this one left as it is; `question` is put in the box to edit.
   * None to copy: a new chat.
   */
  const branchAt = (upTo: number, question?: string) => {
    leave();
    const then = () => {
      if (question === undefined) return;
      setDraft(question);
      input.current?.focus();
    };
    if (upTo === 0) {
      startNew({ ...chat.options, model });
      return then();
    }
    // After the saves in flight, so the host has the turns this page shows.
    void saving.current
      .then(() => client.invoke('chats.branch', { id: chat.id, turns: upTo }))
      .then((summary) => {
        open(summary.id);
        then();
      }, setFailure);
  };
  branchAtNow.current = branchAt;
  const last = chat.turns.at(-1);
  // The last question again: after an error, a stop before any word, or to get another answer.
  const retry = () => {
    const upTo = last?.role === 'assistant' ? chat.turns.slice(0, -1) : chat.turns;
    if (upTo.at(-1)?.role === 'user' && !tryChat.running) ask(upTo, upTo.length);
  };
  const leave = () => {
    if (tryChat.running) tryChat.stop();
    setEditing(undefined);
  };
  /** Another conversation, from the list or a branch's link: an answer streaming here stops. */
  const switchTo = (id: string, at?: FoundAt) => {
    leave();
    open(id, at);
  };
  const { left } = messagesToSend(chat.options, chat.turns);
  /** The conversation as the page shows it (its name as the list has it), as a Markdown file. */
  const saveAsMarkdown = () => {
    const summary = list.data?.chats.find((c) => c.id === chat.id);
    const title = summary?.title ?? chatTitle(chat.turns);
    const text = chatMarkdown({ ...chat, title, updatedAt: summary?.updatedAt ?? new Date().toISOString() });
    download(new TextEncoder().encode(text), chatFileName(title), 'text/markdown');
  };
  const noModel = models.all.length === 0;

  return (
    <Page
      id="chat"
      title="Chat"
      subtitle="Talk to any model the gateway serves or can load, streamed through the gateway as any client would be."
      actions={
        <>
          <button
            type="button"
            className="button button-secondary"
            data-testid="chat-export"
            title="Save this conversation as a Markdown file"
            disabled={chat.turns.length === 0}
            onClick={saveAsMarkdown}
          >
            Save as Markdown
          </button>
          <button
            type="button"
            className="button button-secondary"
            data-testid="chat-new"
            onClick={() => {
              leave();
              startNew({ ...chat.options, model });
            }}
            disabled={chat.turns.length === 0}
          >
            New chat
          </button>
        </>
      }
    >
      <div className="chat-layout">
        <ChatList
          list={list.data}
          current={chat.id}
          filter={filter}
          terms={findTerms}
          onFilter={setFilter}
          onFindStep={foundHere.step}
          onOpen={switchTo}
          onDeleted={(id) => {
            if (id === chat.id) startNew({ ...chat.options, model });
          }}
        />
        <div className="chat-main">
          {status.error && <ErrorNotice error={status.error} title="Could not read the gateway" />}
          {status.data && !status.data.url && (
            <p className="notice notice-warning" data-testid="chat-gateway-off">
              The gateway is off, so there is nothing to chat through. Turn it on on the <a href={hashFor('gateway')}>Gateway page</a>.
            </p>
          )}
          {noModel && chat.turns.length === 0 ? (
            <EmptyState icon={<PageIcon page="chat" size={32} />} title="No model to chat with" testId="chat-no-model">
              Nothing serves a model and there is none to load. Get one on the <a href={hashFor('models')}>Models page</a> (the built-in
              engine runs it when you ask), or start a provider on the <a href={hashFor('providers')}>Providers page</a>.
            </EmptyState>
          ) : noModel ? (
            // A conversation kept from before: it can still be read, found in, branched and saved, so
            // it keeps the room; a line says why nothing can be sent.
            <p className="notice notice-warning" data-testid="chat-no-model">
              No model to send to: nothing serves one and there is none to load. Get one on the <a href={hashFor('models')}>Models page</a>,
              or start a provider on the <a href={hashFor('providers')}>Providers page</a>.
            </p>
          ) : (
            <div className="chat-toolbar">
              <GatewayModelSelect
                models={models}
                value={model}
                onChange={(m) => setOptions({ ...chat.options, model: m })}
                testId="chat-model"
              />
              <ChatOptionsForm key={chat.id} options={chat.options} onChange={setOptions} />
            </div>
          )}
          {findTerms.length > 0 && <FoundHere found={foundHere} />}
          <div className="chat-turns" data-testid="chat-turns" aria-live="polite" ref={turnsPane}>
            {chat.branchedFrom && <BranchOrigin origin={chat.branchedFrom} list={list.data} onOpen={switchTo} />}
            {left > 0 && (
              <p className="muted chat-left-out" data-testid="chat-left-out">
                The {formatInteger(left)} oldest messages are no longer sent: the conversation is longer than one request carries.
              </p>
            )}
            {chat.turns.length === 0 && !tryChat.running && !noModel && (
              <p className="muted chat-start" data-testid="chat-start">
                {models.loadable.some((m) => m.id === model)
                  ? `${model} is not running: your first message loads it, which takes a moment.`
                  : `Ask ${model} anything.`}
              </p>
            )}
            {chat.turns.map((turn, i) => (
              <ChatTurn
                key={i}
                index={i}
                found={foundTurn?.id === chat.id && foundTurn.turn === i}
                turn={turn}
                onRetry={i === chat.turns.length - 1 && turn.role === 'assistant' && !tryChat.running ? retry : undefined}
                onEdit={i === lastQuestion && !tryChat.running && editing === undefined ? edit : undefined}
                onBranch={chat.kept && !tryChat.running && editing === undefined ? branch : undefined}
              />
            ))}
            {tryChat.running && (
              <StreamingTurn
                text={tryChat.text}
                reasoning={tryChat.reasoning}
                loading={tryChat.text === '' && !tryChat.reasoning && models.isLoading(model)}
              />
            )}
            {failure !== undefined && !tryChat.running && (
              <div className="chat-failure">
                <ErrorNotice error={failure} title="Something went wrong" testId="chat-error" />
                {last?.role === 'user' && (
                  <button type="button" className="button button-secondary" data-testid="chat-retry" onClick={retry}>
                    Try again
                  </button>
                )}
              </div>
            )}
            <div ref={end} />
          </div>
          {editing !== undefined && (
            <p className="muted chat-editing" data-testid="chat-editing">
              Editing your last question: sending replaces it and the answer after it.{' '}
              <button type="button" className="link-button" data-testid="chat-edit-cancel" onClick={cancelEdit}>
                Cancel
              </button>
            </p>
          )}
          <form className="chat-composer" data-testid="chat-composer" onSubmit={send}>
            <textarea
              ref={input}
              className="input chat-input"
              data-testid="chat-input"
              aria-label="Message"
              placeholder={noModel ? 'No model to send to yet' : `Message ${model} (Enter sends, Shift+Enter for a new line)`}
              rows={3}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKeyDown}
              aria-invalid={tooLong}
            />
            <SendOrStop running={tryChat.running} onStop={tryChat.stop} canSend={canSend} testIdPrefix="chat" />
          </form>
          <MessageTooLong message={draft} sender="Chat" gatewayUrl={status.data?.url} id="chat-too-long" />
        </div>
      </div>
    </Page>
  );
}

/** Where a branch came from, a click away (at the message it went on from). */
function BranchOrigin({ origin, list, onOpen }: { origin: ChatOrigin; list: Chats | undefined; onOpen(id: string, at?: FoundAt): void }) {
  const from = list?.chats.find((c) => c.id === origin.id);
  const after = `after message ${formatInteger(origin.turns)}`;
  return (
    <p className="muted chat-branch-origin" data-testid="chat-branch-origin">
      {from ? (
        <>
          A branch of{' '}
          <button
            type="button"
            className="link-button"
            data-testid="chat-branch-open"
            onClick={() => onOpen(from.id, { turn: origin.turns - 1 })}
          >
            {from.title}
          </button>
          , {after}; that conversation stays as it was.
        </>
      ) : (
        `A branch of a conversation since deleted, ${after}.`
      )}
    </p>
  );
}

/** The find box's words in the conversation shown: how many, and Previous / Next through them (Enter and Shift+Enter in the box too). */
function FoundHere({ found }: { found: FoundInPage }) {
  if (found.count === 0)
    return (
      <p className="muted chat-found-here" data-testid="chat-found-here">
        Not in this conversation.
      </p>
    );
  return (
    <p className="muted chat-found-here" data-testid="chat-found-here">
      <span data-testid="chat-found-count">
        {found.at < 0
          ? `${formatInteger(found.count)} found in this conversation`
          : `${formatInteger(found.at + 1)} of ${formatInteger(found.count)}`}
      </span>
      <button type="button" className="link-button" data-testid="chat-found-prev" onClick={() => found.step(-1)}>
        Previous
      </button>
      <button type="button" className="link-button" data-testid="chat-found-next" onClick={() => found.step(1)}>
        Next
      </button>
    </p>
  );
}
