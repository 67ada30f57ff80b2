import { memo } from 'react';
import { CopyTextButton } from '../../components/CopyTextButton';
import { formatInteger } from '../../format/count';
import { AnswerText } from './AnswerText';
import type { Turn, TurnMeta } from '../../../shared/chats';
import { NO_TEXT } from '../../../shared/chat-markdown';
import { tokensPerSecond } from './conversation';

/**
 * One message of the conversation; an answer says who gave it and how fast. Memoised: while an
 * answer streams, the turns before it (their Markdown) are not rendered again for every token.
 */
export const ChatTurn = memo(function ChatTurn({
  turn,
  index,
  found = false,
  onRetry,
  onEdit,
  onBranch,
}: {
  turn: Turn;
  /** Its place in the conversation, for a search that opens it here. */
  index: number;
  /** The message a search found the conversation by. */
  found?: boolean;
  onRetry?: () => void;
  /** Edit the question in place (the last one). */
  onEdit?: () => void;
  /**
   * A new conversation of the first `upTo` turns: from an answer, to go on from it; from an earlier
   * question, to edit it there. One function for every turn, so turns are not drawn again for it.
   */
  onBranch?: (upTo: number, question?: string) => void;
}) {
  const editInBranch = turn.role === 'user' && !onEdit && onBranch;
  return (
    <article
      className={`chat-turn chat-turn-${turn.role}${found ? ' chat-turn-found' : ''}`}
      data-testid={`chat-turn-${turn.role}`}
      data-turn={index}
      data-found={found || undefined}
    >
      <header className="chat-turn-role">{turn.role === 'user' ? 'You' : 'Assistant'}</header>
      {turn.reasoning && <Thinking text={turn.reasoning} open={false} />}
      <div className="chat-turn-text" data-testid="chat-turn-text">
        {turn.role === 'user' ? (
          turn.content
        ) : turn.content.trim() ? (
          <AnswerText text={turn.content} />
        ) : (
          <span className="muted">{NO_TEXT}</span>
        )}
      </div>
      {onEdit && (
        <footer className="chat-turn-meta">
          <button type="button" className="link-button" data-testid="chat-edit" onClick={onEdit}>
            Edit
          </button>
        </footer>
      )}
      {editInBranch && (
        <footer className="chat-turn-meta">
          <button
            type="button"
            className="link-button"
            data-testid="chat-edit-branch"
            title="Ask it another way in a new conversation that goes on from before it; this one stays as it is"
            onClick={() => editInBranch(index, turn.content)}
          >
            Edit in a branch
          </button>
        </footer>
      )}
      {turn.role === 'assistant' && (turn.meta || onRetry || onBranch) && (
        <footer className="chat-turn-meta muted" data-testid="chat-turn-meta">
          {turn.meta && <TurnFacts meta={turn.meta} />}
          <CopyTextButton text={turn.content} what="the answer (as Markdown)" testId="chat-copy" />
          {onRetry && (
            <button type="button" className="link-button" data-testid="chat-regenerate" onClick={onRetry}>
              Another answer
            </button>
          )}
          {onBranch && turn.role === 'assistant' && (
            <button
              type="button"
              className="link-button"
              data-testid="chat-branch"
              title="A new conversation that goes on from this answer; this one stays as it is"
              onClick={() => onBranch(index + 1)}
            >
              Branch
            </button>
          )}
        </footer>
      )}
    </article>
  );
});

function TurnFacts({ meta }: { meta: TurnMeta }) {
  const rate = tokensPerSecond(meta);
  const facts = [
    meta.providerId && `via ${meta.providerId}`,
    meta.completionTokens !== undefined && `${formatInteger(meta.completionTokens)} token${meta.completionTokens === 1 ? '' : 's'}`,
    rate !== undefined && `${rate.toFixed(rate < 10 ? 1 : 0)} tokens/s`,
    `first byte ${formatInteger(meta.ttfbMs)} ms`,
    meta.promptTokens !== undefined &&
      `prompt ${formatInteger(meta.promptTokens)} tokens${meta.cachedTokens ? ` (${formatInteger(meta.cachedTokens)} from cache)` : ''}`,
    meta.cancelled && 'stopped',
    meta.finishReason === 'length' && 'cut at the token limit',
  ].filter(Boolean);
  return <span data-testid="chat-turn-facts">{facts.join(' · ')}</span>;
}

/** The answer as it streams in; the thinking shows open until the answer starts. */
export function StreamingTurn({ text, reasoning, loading }: { text: string; reasoning: string; loading: boolean }) {
  return (
    <article className="chat-turn chat-turn-assistant" data-testid="chat-streaming">
      <header className="chat-turn-role">Assistant</header>
      {reasoning && <Thinking text={reasoning} open={text === ''} live={text === ''} />}
      {(text || !reasoning) && (
        <div className="chat-turn-text">
          {text ? <AnswerText text={text} /> : <span className="muted">{loading ? 'Loading the model…' : '…'}</span>}
        </div>
      )}
    </article>
  );
}

/** What the model thought before answering: folded away once the answer is there, a click to read. */
function Thinking({ text, open, live = false }: { text: string; open: boolean; live?: boolean }) {
  return (
    <details className="chat-thinking" data-testid="chat-thinking" open={open || undefined}>
      <summary>{live ? 'Thinking…' : 'Thought'}</summary>
      <div className="chat-thinking-text" data-testid="chat-thinking-text">
        {text}
      </div>
    </details>
  );
}
