import { hasEvery, marksIn, type ChatSearchHit, type ChatSnippet } from '../../../shared/chat-search';
import type { Chat, ChatSummary } from '../../../shared/chats';

/**
 * Characters of a message shown before the first term, and in all. The list's column shows about
 * 25 characters a line, three lines of a snippet: the word found must be in its first line, with
 * a few words of what led to it.
 */
const BEFORE_CHARS = 24;
const SNIPPET_CHARS = 200;

/** What a search adds to a conversation's summary. */
export type ChatFound = Omit<ChatSearchHit, keyof ChatSummary>;

/**
 * Where the conversation has the terms (`patterns`, from termPatterns), when it has every one, in
 * its name or in any of its messages; its snippet comes from the message with the most of the
 * terms (the earliest of those), around the first of them.
 */
export function searchChat(chat: Chat, patterns: readonly RegExp[]): ChatFound | undefined {
  const has = patterns.map(() => false);
  const titleMarks = marksIn(chat.title, patterns);
  note(has, chat.title, patterns);
  let matchingTurns = 0;
  let best: { turn: number; terms: number } | undefined;
  chat.turns.forEach((turn, index) => {
    const terms = note(has, turn.content, patterns);
    if (terms === 0) return;
    matchingTurns++;
    if (!best || terms > best.terms) best = { turn: index, terms };
  });
  if (!has.every(Boolean)) return undefined;
  return {
    titleMarks,
    matchingTurns,
    ...(best ? { snippet: snippetOf(chat, best.turn, patterns) } : {}),
  };
}

/** Marks in `has` the terms `text` holds; answers how many it holds. */
function note(has: boolean[], text: string, patterns: readonly RegExp[]): number {
  let count = 0;
  patterns.forEach((pattern, i) => {
    if (!hasEvery(text, [pattern])) return;
    has[i] = true;
    count++;
  });
  return count;
}

function snippetOf(chat: Chat, index: number, patterns: readonly RegExp[]): ChatSnippet {
  const turn = chat.turns[index]!;
  const content = turn.content;
  const first = marksIn(content, patterns)[0]?.[0] ?? 0;
  let start = Math.max(0, first - BEFORE_CHARS);
  // Whole words at the cut ends, unless a word is longer than the room there.
  if (start > 0) {
    const space = content.slice(start, first).search(/\s/);
    if (space >= 0) start += space + 1;
  }
  let end = Math.min(content.length, start + SNIPPET_CHARS);
  if (end < content.length) {
    const space = content.slice(first, end).search(/\s\S*$/);
    if (space > 0) end = first + space;
  }
  const text = `${start > 0 ? '…' : ''}${content.slice(start, end).replace(/\s+/g, ' ').trim()}${end < content.length ? '…' : ''}`;
  return { turn: index, role: turn.role, text, marks: marksIn(text, patterns) };
}
