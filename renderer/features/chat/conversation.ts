import { ChatIdSchema, type ChatOptions, type Turn, type TurnMeta } from '../../../shared/chats';
import { TryChatSchema, type TryChatRequest } from '../../../shared/gateway';

/** The host takes at most this many messages in one request (TryChatSchema). */
const MAX_MESSAGES = 100;
/**
 * A request must fit the host's WebSocket frame (1 MiB) with room for the envelope: the oldest
 * turns are left out past this many bytes of messages.
 */
export const MAX_REQUEST_BYTES = 900 * 1024;

/**
 * The messages to send for the conversation so far: the system prompt, then as many of the newest
 * turns as fit the host's limits, starting on a user turn. `left` says how many older ones stayed out.
 */
export function messagesToSend(options: ChatOptions, turns: readonly Turn[]): { messages: TryChatRequest['messages']; left: number } {
  const system = options.system.trim() ? [{ role: 'system' as const, content: options.system }] : [];
  const encoder = new TextEncoder();
  let bytes = system.reduce((sum, m) => sum + encoder.encode(JSON.stringify(m)).length, 0);
  let first = turns.length;
  while (first > 0 && turns.length - first + 1 + system.length <= MAX_MESSAGES) {
    const turn = turns[first - 1]!;
    const size = encoder.encode(JSON.stringify({ role: turn.role, content: turn.content })).length;
    if (bytes + size > MAX_REQUEST_BYTES) break;
    bytes += size;
    first--;
  }
  // A conversation sent from its middle starts with a question, never with an answer to one.
  while (first < turns.length && turns[first]!.role !== 'user') first++;
  const messages = [...system, ...turns.slice(first).map(({ role, content }) => ({ role, content }))];
  return { messages, left: first };
}

/** Why the host would refuse this request, or undefined when it would take it: a page should never send what the host refuses. */
export function whyNotSendable(request: Omit<TryChatRequest, 'id'>): string | undefined {
  const parsed = TryChatSchema.safeParse({ ...request, id: 'check' });
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

const CURRENT_KEY = 'local-llm-manager.chat.current';

/** The conversation this browser showed last, to open again. */
export function lastChatId(storage: Pick<Storage, 'getItem'> | undefined): string | undefined {
  try {
    const id = storage?.getItem(CURRENT_KEY) ?? undefined;
    return id && ChatIdSchema.safeParse(id).success ? id : undefined;
  } catch {
    return undefined; // storage refused (a private window): start on the newest
  }
}

export function rememberChatId(storage: Pick<Storage, 'setItem'> | undefined, id: string): void {
  try {
    storage?.setItem(CURRENT_KEY, id);
  } catch {
    // not remembered: the page opens on the newest conversation instead
  }
}

/** Tokens a second over the streamed part of an answer (after its first byte), when there were enough to say. */
export function tokensPerSecond(meta: TurnMeta): number | undefined {
  const seconds = (meta.durationMs - meta.ttfbMs) / 1000;
  if (!meta.completionTokens || meta.completionTokens < 2 || seconds <= 0) return undefined;
  return meta.completionTokens / seconds;
}
