import { useEffect, type RefObject } from 'react';
import { marksIn, termPatterns } from '../../../shared/chat-search';

/** The name the page's CSS styles (::highlight(chat-found)). */
export const FOUND_HIGHLIGHT = 'chat-found';

/**
 * Marks `terms` wherever `root`'s text has them, as the browser's find does, without touching the
 * DOM React owns (the CSS Custom Highlight API: ranges styled from outside). Marked again whenever
 * `version` changes (a new answer). Words split across elements (half in bold) are not marked.
 * Answers nothing where the browser lacks the API; the search still works there.
 */
export function useFoundHighlight(root: RefObject<HTMLElement | null>, terms: readonly string[], version: unknown): void {
  useEffect(() => {
    const element = root.current;
    if (!element || terms.length === 0 || typeof CSS === 'undefined' || !('highlights' in CSS)) return;
    const patterns = termPatterns(terms);
    const ranges: Range[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text;
      for (const [start, end] of marksIn(text.data, patterns)) {
        const range = new Range();
        range.setStart(text, start);
        range.setEnd(text, end);
        ranges.push(range);
      }
    }
    CSS.highlights.set(FOUND_HIGHLIGHT, new Highlight(...ranges));
    return () => void CSS.highlights.delete(FOUND_HIGHLIGHT);
  }, [root, terms, version]);
}
