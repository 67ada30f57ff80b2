import { z } from 'zod';
import { TRY_MESSAGE_MAX_CHARS, type TryChatResult } from './gateway';

/** What the answer to a turn was like: who answered, how fast, how many tokens. */
export const TurnMetaSchema = z
  .object({
    providerId: z.string().max(200).optional(),
    ttfbMs: z.number().min(0),
    durationMs: z.number().min(0),
    completionTokens: z.number().int().min(0).optional(),
    promptTokens: z.number().int().min(0).optional(),
    cachedTokens: z.number().int().min(0).optional(),
    finishReason: z.string().max(100).optional(),
    cancelled: z.boolean().optional(),
  })
  .strict();
export type TurnMeta = z.infer<typeof TurnMetaSchema>;

/** An answer is at most what 8,192 tokens make, a question at most what Chat sends: both well under this. */
const TURN_MAX_CHARS = 200_000;

export const ChatTurnSchema = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: z.string().max(TURN_MAX_CHARS),
    /** The model's thinking before this answer; never sent back (providers want the answers only). */
    reasoning: z.string().max(TURN_MAX_CHARS).optional(),
    meta: TurnMetaSchema.optional(),
  })
  .strict();
export type Turn = z.infer<typeof ChatTurnSchema>;

export const ChatOptionsSchema = z
  .object({
    model: z.string().max(500),
    system: z.string().max(TRY_MESSAGE_MAX_CHARS),
    /** Empty: the provider's default. */
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(8192),
  })
  .strict();
export type ChatOptions = z.infer<typeof ChatOptionsSchema>;

export const CHAT_DEFAULTS: ChatOptions = { model: '', system: '', maxTokens: 1024 };

/** Made by the page that starts a conversation; also its file's name in chats/. */
export const ChatIdSchema = z.string().regex(/^[a-z0-9-]{8,64}$/, 'must be 8 to 64 lowercase letters, digits or "-"');

/** The most turns a conversation holds; past it, a new chat (its oldest turns were long no longer sent). */
export const CHAT_MAX_TURNS = 1000;

/** A conversation a branch was made from, and how many of its turns the branch began with. */
export const ChatOriginSchema = z
  .object({
    id: ChatIdSchema,
    turns: z.number().int().min(1).max(CHAT_MAX_TURNS),
  })
  .strict();
export type ChatOrigin = z.infer<typeof ChatOriginSchema>;

export interface Chat {
  id: string;
  /** Its own name when it was given one, else its first question. */
  title: string;
  createdAt: string;
  updatedAt: string;
  options: ChatOptions;
  turns: Turn[];
  /** Made as a branch of another conversation. */
  branchedFrom?: ChatOrigin;
}

export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: string;
  turns: number;
  model: string;
}

export interface ChatList {
  chats: ChatSummary[];
  /** Files in chats/ that could not be read (kept as they are, named here). */
  unreadable: string[];
}

/**
 * One change to a conversation, small enough for a WebSocket frame however long the conversation
 * is: its options, and its turns from index `from` on replaced by `turns` (an answer added, or the
 * last one asked again). `known` is how many turns the page believes the host holds: a change made
 * on an older copy (another window saved since) is refused rather than writing over that save.
 */
export const ChatPutSchema = z
  .object({
    id: ChatIdSchema,
    options: ChatOptionsSchema,
    known: z.number().int().min(0).max(CHAT_MAX_TURNS),
    from: z.number().int().min(0).max(CHAT_MAX_TURNS),
    turns: z.array(ChatTurnSchema).max(CHAT_MAX_TURNS),
  })
  .strict()
  .refine((put) => put.from <= put.known, { message: 'from must not be past known (the turns the host holds)', path: ['from'] });
export type ChatPut = z.infer<typeof ChatPutSchema>;

export const ByChatIdSchema = z.object({ id: ChatIdSchema }).strict();

/**
 * A new conversation from the first `turns` turns of another (its options too), to go on from
 * there another way; the other stays as it is.
 */
export const ChatBranchSchema = z
  .object({
    id: ChatIdSchema,
    turns: z.number().int().min(1, 'a branch starts with at least one turn (for none, start a new chat)').max(CHAT_MAX_TURNS),
  })
  .strict();
export type ChatBranch = z.infer<typeof ChatBranchSchema>;

/** What a branch is called: its conversation's name, marked as a branch (once: a branch of a branch is a branch). */
export function branchName(title: string): string {
  const marked = / \(branch\)$/.test(title) ? title : `${title} (branch)`;
  return marked.length > CHAT_TITLE_MAX_CHARS ? `${title.slice(0, CHAT_TITLE_MAX_CHARS - 10).trimEnd()}… (branch)` : marked;
}

/**
 * A new conversation's id, also its file's name: random, so two windows never pick the same. From
 * crypto.getRandomValues (randomUUID needs a secure context, which plain http to a GPU box is not).
 */
export function newChatId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(12));
  return `chat-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The longest name a conversation is given by hand. */
export const CHAT_TITLE_MAX_CHARS = 120;

/** A conversation's own name, given by hand; empty goes back to naming it by its first question. */
export const ChatRenameSchema = z
  .object({
    id: ChatIdSchema,
    title: z.string().max(CHAT_TITLE_MAX_CHARS, `a name is at most ${CHAT_TITLE_MAX_CHARS} characters`),
  })
  .strict();
export type ChatRename = z.infer<typeof ChatRenameSchema>;

/** A name as it is kept: on one line, without spaces around it. */
export function chatName(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

/** A conversation's title: its first question, on one line, cut short. */
export function chatTitle(turns: readonly Turn[]): string {
  const first =
    turns
      .find((t) => t.role === 'user')
      ?.content.replace(/\s+/g, ' ')
      .trim() ?? '';
  if (!first) return 'New chat';
  return first.length > 60 ? `${first.slice(0, 57)}…` : first;
}

/** What a streamed answer's result says of it, as a turn keeps it. */
export function turnMetaOf(result: TryChatResult): TurnMeta {
  const { usage } = result;
  return {
    ...(result.providerId ? { providerId: result.providerId } : {}),
    ttfbMs: result.ttfbMs,
    durationMs: result.durationMs,
    ...(result.finishReason ? { finishReason: result.finishReason } : {}),
    ...(result.cancelled ? { cancelled: true } : {}),
    ...(usage ? { completionTokens: usage.completionTokens, promptTokens: usage.promptTokens } : {}),
    ...(usage?.cachedTokens !== undefined ? { cachedTokens: usage.cachedTokens } : {}),
  };
}
