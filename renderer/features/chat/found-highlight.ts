import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { marksIn, termPatterns } from '../../../shared/chat-search';

/** The names the page's CSS styles (::highlight(chat-found), ::highlight(chat-found-current)). */
export const FOUND_HIGHLIGHT = 'chat-found';
export const CURRENT_HIGHLIGHT = 'chat-found-current';

export interface FoundInPage {
  /** How many places have a term. */
  count: number;
  /** The place shown last (Next / Previous), -1 before the first. */
  at: number;
  /** Shows the next place (1) or the one before (-1), round the end. */
  step(direction: 1 | -1): void;
}

const supported = () => typeof CSS !== 'undefined' && 'highlights' in CSS;

/**
 * Marks `terms` wherever `root`'s text has them, as the browser's find does, without touching the
 * DOM React owns (the CSS Custom Highlight API: ranges styled from outside), and steps through
 * them. Marked again whenever `version` changes (a new answer). Words split across elements (half
 * in bold) are not marked. Where the browser lacks the API nothing is marked; the search still works.
 */
export function useFoundHighlight(root: RefObject<HTMLElement | null>, terms: readonly string[], version: unknown): FoundInPage {
  const ranges = useRef<Range[]>([]);
  const [count, setCount] = useState(0);
  const [at, setAt] = useState(-1);
  const atNow = useRef(-1);

  useEffect(() => {
    const element = root.current;
    ranges.current = [];
    atNow.current = -1;
    setAt(-1);
    if (!element || terms.length === 0 || !supported()) {
      setCount(0);
      return;
    }
    const patterns = termPatterns(terms);
    const found: Range[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text;
      for (const [start, end] of marksIn(text.data, patterns)) {
        const range = new Range();
        range.setStart(text, start);
        range.setEnd(text, end);
        found.push(range);
      }
    }
    ranges.current = found;
    setCount(found.length);
    CSS.highlights.set(FOUND_HIGHLIGHT, new Highlight(...found));
    return () => {
      CSS.highlights.delete(FOUND_HIGHLIGHT);
      CSS.highlights.delete(CURRENT_HIGHLIGHT);
    };
  }, [root, terms, version]);

  const step = useCallback((direction: 1 | -1) => {
    const all = ranges.current;
    if (all.length === 0) return;
    const previous = atNow.current;
    const next = previous < 0 ? (direction === 1 ? 0 : all.length - 1) : (previous + direction + all.length) % all.length;
    atNow.current = next;
    setAt(next);
    const range = all[next]!;
    const current = new Highlight(range);
    current.priority = 1; // over the other marks, which hold the same range
    CSS.highlights.set(CURRENT_HIGHLIGHT, current);
    range.startContainer.parentElement?.scrollIntoView({ block: 'center' });
  }, []);

  return { count, at, step };
}
