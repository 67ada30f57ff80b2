import { z } from 'zod';
import type { ChatSummary, Turn } from './chats';

/** The longest text looked for in the conversations. */
export const CHAT_SEARCH_MAX_CHARS = 200;
/** Conversations a search answers with; past them it says how many more there are. */
export const CHAT_SEARCH_MAX_HITS = 50;
/** Words a search looks for: more narrow it no further in practice, and each is one pass over every message. */
const MAX_TERMS = 10;

/**
 * The words looked for in a query: split at spaces, each once (case aside), in the order given. A
 * conversation is found when it has every one of them, in its name or in its messages, in any case.
 */
export function searchTerms(query: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const word of query.split(/\s+/)) {
    const key = word.toLowerCase();
    if (!word || seen.has(key)) continue;
    seen.add(key);
    terms.push(word);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/** One case-insensitive pattern per term (a term is literal text: "c++" is no pattern). */
export function termPatterns(terms: readonly string[]): RegExp[] {
  return terms.map((term) => new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'));
}

/** Whether `text` has every term (case aside). */
export function hasEvery(text: string, patterns: readonly RegExp[]): boolean {
  return patterns.every((pattern) => {
    pattern.lastIndex = 0;
    return pattern.test(text);
  });
}

/** Where the terms are in `text`, as [start, end) ranges in order, overlapping ones joined: what to highlight. */
export function marksIn(text: string, patterns: readonly RegExp[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) found.push([match.index, match.index + match[0].length]);
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const joined: Array<[number, number]> = [];
  for (const range of found) {
    const last = joined.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else joined.push([...range]);
  }
  return joined;
}

/** `text` in pieces, each marked or not, by [start, end) ranges in order (ones out of order or past the end are left out). */
export function markedPieces(text: string, marks: ReadonlyArray<readonly [number, number]>): Array<{ text: string; marked: boolean }> {
  const pieces: Array<{ text: string; marked: boolean }> = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at || end > text.length || end <= start) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), marked: false });
    pieces.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), marked: false });
  return pieces;
}

export const ChatSearchSchema = z
  .object({
    query: z.string().max(CHAT_SEARCH_MAX_CHARS, `look for at most ${CHAT_SEARCH_MAX_CHARS} characters`),
  })
  .strict()
  .refine((search) => searchTerms(search.query).length > 0, { message: 'give at least one word to look for', path: ['query'] });
export type ChatSearch = z.infer<typeof ChatSearchSchema>;

/** A piece of the message a conversation was found by, with the terms in it marked. */
export interface ChatSnippet {
  /** The message's index among the conversation's turns. */
  turn: number;
  role: Turn['role'];
  /** On one line; "…" where it was cut. */
  text: string;
  marks: Array<[number, number]>;
}

export interface ChatSearchHit extends ChatSummary {
  /** Ranges of the terms in its name. */
  titleMarks: Array<[number, number]>;
  /** How many of its messages have any of the terms. */
  matchingTurns: number;
  /** From the message with the most of the terms; none when only its name has them. */
  snippet?: ChatSnippet;
}

export interface ChatSearchResult {
  query: string;
  /** Newest first, at most CHAT_SEARCH_MAX_HITS. */
  hits: ChatSearchHit[];
  /** Conversations found past those. */
  more: number;
  /** Files in chats/ that could not be read, so were not searched. */
  unreadable: string[];
}
