import { useMemo, useRef } from 'react';
import type { LogSnapshot } from '../../api/log-buffer';
import { LineFilter, makeMatcher, type MatchOptions } from './line-filter';
import { NO_LINES, type ViewSource } from './view-line';

export interface FilteredLines {
  source: ViewSource;
  /** Set when the query is a regular expression that does not compile. */
  error?: string;
}

/** The buffer, or only its lines matching `query`; recomputed per buffer change, incrementally. */
export function useFilteredLines(snapshot: LogSnapshot, query: string, options: MatchOptions): FilteredLines {
  const filterRef = useRef<LineFilter | null>(null);
  filterRef.current ??= new LineFilter();
  const filter = filterRef.current;
  const { regex, caseSensitive } = options;
  const matcher = useMemo(() => (query ? makeMatcher(query, { regex, caseSensitive }) : undefined), [query, regex, caseSensitive]);
  return useMemo(() => {
    if (!matcher) return { source: snapshot };
    if (!matcher.ok) return { source: NO_LINES, error: matcher.error };
    // The matcher object is the filter's key: a new query or option means a full rescan.
    return { source: filter.update(snapshot, matcher, matcher.test) };
  }, [snapshot, matcher, filter]);
}
