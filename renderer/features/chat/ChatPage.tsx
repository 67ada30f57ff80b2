import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { TRY_MESSAGE_MAX_CHARS } from '../../../shared/gateway';
import { useGatewayStatus, useTryChat } from '../../api/gateway-hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageIcon } from '../../components/icons';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { formatInteger } from '../../format/count';
import { hashFor } from '../../state/route';
import { GatewayModelSelect, useGatewayModels } from '../../components/model-choice/GatewayModelSelect';
import { ChatOptionsForm } from './ChatOptionsForm';
import { ChatTurn, StreamingTurn } from './ChatTurn';
import { CHAT_DEFAULTS, loadChat, messagesToSend, saveChat, type ChatOptions, type Turn, whyNotSendable } from './conversation';
import './chat.css';

const storage = typeof window === 'undefined' ? undefined : window.localStorage;

/**
 * A conversation with any model the gateway serves or would load, streamed through the gateway
 * as any client's would be. It is kept in this browser across reloads.
 */
export function ChatPage() {
  const status = useGatewayStatus();
  const models = useGatewayModels(status.data);
  const [stored] = useState(() => loadChat(storage));
  const [options, setOptions] = useState<ChatOptions>(stored?.options ?? CHAT_DEFAULTS);
  const [turns, setTurns] = useState<Turn[]>(stored?.turns ?? []);
  const [draft, setDraft] = useState('');
  const [failure, setFailure] = useState<unknown>(undefined);
  const [kept, setKept] = useState(true);
  const chat = useTryChat();
  const end = useRef<HTMLDivElement>(null);
  const model = models.pick(options.model);

  useEffect(() => setKept(saveChat(storage, { options, turns })), [options, turns]);
  // Follow the answer as it streams, unless the reader has scrolled up to read something else.
  useEffect(() => {
    const pane = end.current?.closest('.main');
    // The pane's very end: the composer stays in view (sticky) and the newest text just above it.
    if (pane && pane.scrollHeight - pane.scrollTop - pane.clientHeight < 200) pane.scrollTop = pane.scrollHeight;
  }, [turns.length, chat.text]);

  /** Sends the conversation up to its last question; false (with the reason shown) when the host would refuse it. */
  const ask = (history: Turn[]): boolean => {
    const { messages } = messagesToSend(options, history);
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
    setTurns(history);
    chat.send(request).then(
      (result) => {
        const { usage } = result;
        const meta = {
          providerId: result.providerId,
          ttfbMs: result.ttfbMs,
          durationMs: result.durationMs,
          finishReason: result.finishReason,
          ...(result.cancelled ? { cancelled: true } : {}),
          ...(usage
            ? { completionTokens: usage.completionTokens, promptTokens: usage.promptTokens, cachedTokens: usage.cachedTokens }
            : {}),
        };
        // Stopped before a word arrived: nothing to keep, the question stays for another try.
        if (result.cancelled && result.text === '' && !result.reasoning) return;
        setTurns([
          ...history,
          { role: 'assistant', content: result.text, ...(result.reasoning ? { reasoning: result.reasoning } : {}), meta },
        ]);
      },
      (error: unknown) => setFailure(error),
    );
    return true;
  };

  const tooLong = draft.length > TRY_MESSAGE_MAX_CHARS;
  const canSend = model !== '' && draft.trim() !== '' && !tooLong && !chat.running && Boolean(status.data?.url);
  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (canSend && ask([...turns, { role: 'user', content: draft }])) setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; a key that ends an IME composition is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };
  const last = turns.at(-1);
  // The last question again: after an error, a stop before any word, or to get another answer.
  const retry = () => {
    const upTo = last?.role === 'assistant' ? turns.slice(0, -1) : turns;
    if (upTo.at(-1)?.role === 'user' && !chat.running) ask(upTo);
  };
  const newChat = () => {
    if (chat.running) chat.stop();
    setTurns([]);
    setFailure(undefined);
  };
  const { left } = messagesToSend(options, turns);

  if (status.isPending) return <Loading label="Loading the gateway…" />;
  const noModel = models.all.length === 0;
  return (
    <Page
      id="chat"
      title="Chat"
      subtitle="Talk to any model the gateway serves or can load, streamed through the gateway as any client would be."
      actions={
        <button type="button" className="button button-secondary" data-testid="chat-new" onClick={newChat} disabled={turns.length === 0}>
          New chat
        </button>
      }
    >
      {status.error && <ErrorNotice error={status.error} title="Could not read the gateway" />}
      {status.data && !status.data.url && (
        <p className="notice notice-warning" data-testid="chat-gateway-off">
          The gateway is off, so there is nothing to chat through. Turn it on on the <a href={hashFor('gateway')}>Gateway page</a>.
        </p>
      )}
      {noModel ? (
        <EmptyState icon={<PageIcon page="chat" size={32} />} title="No model to chat with" testId="chat-no-model">
          Nothing serves a model and there is none to load. Get one on the <a href={hashFor('models')}>Models page</a> (the built-in engine
          runs it when you ask), or start a provider on the <a href={hashFor('providers')}>Providers page</a>.
        </EmptyState>
      ) : (
        <div className="chat-toolbar">
          <GatewayModelSelect models={models} value={model} onChange={(m) => setOptions({ ...options, model: m })} testId="chat-model" />
          <ChatOptionsForm options={options} onChange={setOptions} />
        </div>
      )}
      <div className="chat-turns" data-testid="chat-turns" aria-live="polite">
        {left > 0 && (
          <p className="muted chat-left-out" data-testid="chat-left-out">
            The {formatInteger(left)} oldest messages are no longer sent: the conversation is longer than one request carries.
          </p>
        )}
        {turns.length === 0 && !chat.running && !noModel && (
          <p className="muted chat-start" data-testid="chat-start">
            {models.loadable.some((m) => m.id === model)
              ? `${model} is not running: your first message loads it, which takes a moment.`
              : `Ask ${model} anything.`}
          </p>
        )}
        {turns.map((turn, i) => (
          <ChatTurn
            key={i}
            turn={turn}
            onRetry={i === turns.length - 1 && turn.role === 'assistant' && !chat.running ? retry : undefined}
          />
        ))}
        {chat.running && (
          <StreamingTurn
            text={chat.text}
            reasoning={chat.reasoning}
            loading={chat.text === '' && !chat.reasoning && models.isLoading(model)}
          />
        )}
        {failure !== undefined && !chat.running && (
          <div className="chat-failure">
            <ErrorNotice error={failure} title="The answer did not come" testId="chat-error" />
            <button type="button" className="button button-secondary" data-testid="chat-retry" onClick={retry}>
              Try again
            </button>
          </div>
        )}
        <div ref={end} />
      </div>
      <form className="chat-composer" data-testid="chat-composer" onSubmit={send}>
        <textarea
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
        {chat.running ? (
          <button type="button" className="button button-secondary" data-testid="chat-stop" onClick={chat.stop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="button button-primary" data-testid="chat-send" disabled={!canSend}>
            Send
          </button>
        )}
      </form>
      {tooLong && (
        <p className="field-error" data-testid="chat-too-long">
          This message is {formatInteger(draft.length)} characters; Chat sends at most {formatInteger(TRY_MESSAGE_MAX_CHARS)}. Send longer
          ones to the gateway&apos;s API{status.data?.url ? ` (${status.data.url})` : ''}, which takes them whole.
        </p>
      )}
      {!kept && turns.length > 0 && (
        <p className="muted" data-testid="chat-not-kept">
          This browser would not keep the conversation (storage full or turned off): it is lost on reload.
        </p>
      )}
    </Page>
  );
}
