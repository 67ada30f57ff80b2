import { z } from 'zod';
import { TRY_MESSAGE_MAX_CHARS, TryChatSchema, type TryChatRequest } from '../../../shared/gateway';

/** What the answer to a turn was like: who answered, how fast, how many tokens. */
const TurnMetaSchema = z.object({
  providerId: z.string().optional(),
  ttfbMs: z.number(),
  durationMs: z.number(),
  completionTokens: z.number().optional(),
  promptTokens: z.number().optional(),
  cachedTokens: z.number().optional(),
  finishReason: z.string().optional(),
  cancelled: z.boolean().optional(),
});
export type TurnMeta = z.infer<typeof TurnMetaSchema>;

const TurnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** The model's thinking before this answer; never sent back (providers want the answers only). */
  reasoning: z.string().optional(),
  meta: TurnMetaSchema.optional(),
});
export type Turn = z.infer<typeof TurnSchema>;

export const ChatOptionsSchema = z.object({
  model: z.string(),
  system: z.string().max(TRY_MESSAGE_MAX_CHARS),
  /** Empty: the provider's default. */
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(8192),
});
export type ChatOptions = z.infer<typeof ChatOptionsSchema>;

const StoredChatSchema = z.object({ version: z.literal(1), options: ChatOptionsSchema, turns: z.array(TurnSchema) });
export type StoredChat = z.infer<typeof StoredChatSchema>;

export const CHAT_DEFAULTS: ChatOptions = { model: '', system: '', maxTokens: 1024 };

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

const STORAGE_KEY = 'local-llm-manager.chat';

/** The conversation kept from the last visit in this browser, when it is one this version can read. */
export function loadChat(storage: Pick<Storage, 'getItem'> | undefined): StoredChat | undefined {
  try {
    const text = storage?.getItem(STORAGE_KEY);
    if (!text) return undefined;
    const parsed = StoredChatSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not JSON, or storage refused (a private window): start afresh
  }
}

/** Keeps the conversation for the next visit; false when the browser would not (full, or refused). */
export function saveChat(storage: Pick<Storage, 'setItem'> | undefined, chat: Omit<StoredChat, 'version'>): boolean {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify({ version: 1, ...chat }));
    return storage !== undefined;
  } catch {
    return false;
  }
}

/** Tokens a second over the streamed part of an answer (after its first byte), when there were enough to say. */
export function tokensPerSecond(meta: TurnMeta): number | undefined {
  const seconds = (meta.durationMs - meta.ttfbMs) / 1000;
  if (!meta.completionTokens || meta.completionTokens < 2 || seconds <= 0) return undefined;
  return meta.completionTokens / seconds;
}
