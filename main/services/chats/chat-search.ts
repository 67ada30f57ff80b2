import { marksIn, type ChatSearchHit, type ChatSnippet } from '../../../shared/chat-search';
import type { Chat, ChatSummary } from '../../../shared/chats';

/**
 * Characters of a message shown before the first term, and in all. The list's column shows about
 * 25 characters a line, three lines of a snippet: the word found must be in its first line, with
 * a few words of what led to it.
 */
const BEFORE_CHARS = 24;
const SNIPPET_CHARS = 200;
/** Places of one term looked at for the snippet's start: enough for any message read as a whole. */
const MAX_PLACES = 10_000;

/** What a search adds to a conversation's summary. */
export type ChatFound = Omit<ChatSearchHit, keyof ChatSummary>;

/** A conversation that has every term: in how many messages, and the one with the most of them. */
export interface ChatMatch {
  matchingTurns: number;
  bestTurn?: number;
}

/**
 * Whether the conversation has the terms (`patterns`, from termPatterns), every one, in its name
 * or in any of its messages. Only tests: the marks and the snippet (which cost allocations) are
 * made by `foundIn` for the hits that are shown.
 */
export function searchChat(chat: Chat, patterns: readonly RegExp[]): ChatMatch | undefined {
  const has = patterns.map(() => false);
  note(has, chat.title, patterns);
  let matchingTurns = 0;
  let bestTurn: number | undefined;
  let bestTerms = 0;
  const turns = chat.turns;
  for (let index = 0; index < turns.length; index++) {
    const terms = note(has, turns[index]!.content, patterns);
    if (terms === 0) continue;
    matchingTurns++;
    if (terms > bestTerms) {
      bestTurn = index;
      bestTerms = terms;
    }
  }
  if (!has.every(Boolean)) return undefined;
  return { matchingTurns, ...(bestTurn === undefined ? {} : { bestTurn }) };
}

/**
 * What is shown of a hit: the terms marked in its name, and a snippet of the message with the
 * most of them (the earliest of those), around the first.
 */
export function foundIn(chat: Chat, match: ChatMatch, patterns: readonly RegExp[]): ChatFound {
  return {
    titleMarks: marksIn(chat.title, patterns),
    matchingTurns: match.matchingTurns,
    ...(match.bestTurn === undefined ? {} : { snippet: snippetOf(chat, match.bestTurn, patterns) }),
  };
}

/** Marks in `has` the terms `text` holds; answers how many it holds. */
function note(has: boolean[], text: string, patterns: readonly RegExp[]): number {
  let count = 0;
  for (let i = 0; i < patterns.length; i++) {
    const pattern = patterns[i]!;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) continue;
    has[i] = true;
    count++;
  }
  return count;
}

function snippetOf(chat: Chat, index: number, patterns: readonly RegExp[]): ChatSnippet {
  const turn = chat.turns[index]!;
  const content = turn.content;
  const first = anchorOf(content, patterns);
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

/**
 * Where a snippet starts its words found: at the place from which the most different terms fit in
 * it (the earliest of those), so a search for a rare word and a common one shows both, not the
 * first of the common one far from the other.
 */
function anchorOf(content: string, patterns: readonly RegExp[]): number {
  const places: Array<{ at: number; term: number }> = [];
  patterns.forEach((pattern, term) => {
    pattern.lastIndex = 0;
    let count = 0;
    for (const match of content.matchAll(pattern)) {
      places.push({ at: match.index, term });
      if (++count >= MAX_PLACES) break;
    }
  });
  places.sort((a, b) => a.at - b.at);
  // What of the snippet follows its first word found, less room for a long last word.
  const room = SNIPPET_CHARS - BEFORE_CHARS - 20;
  let best = places[0]?.at ?? 0;
  let bestTerms = 0;
  const inWindow = new Map<number, number>();
  let end = 0;
  for (const place of places) {
    for (; end < places.length && places[end]!.at < place.at + room; end++) {
      const term = places[end]!.term;
      inWindow.set(term, (inWindow.get(term) ?? 0) + 1);
    }
    if (inWindow.size > bestTerms) {
      bestTerms = inWindow.size;
      best = place.at;
    }
    const left = inWindow.get(place.term)! - 1;
    if (left === 0) inWindow.delete(place.term);
    else inWindow.set(place.term, left);
  }
  return best;
}
