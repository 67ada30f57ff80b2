import { useState } from 'react';
import { useLog, type LogSearchParams } from '../../api/log-hooks';
import { ErrorNotice } from '../ErrorNotice';
import { useDebounced } from '../../hooks/use-debounced';
import { LogSearchResults } from './LogSearchResults';
import { LogToolbar } from './LogToolbar';
import { LogView } from './LogView';
import { useFilteredLines } from './use-filtered-lines';
import { useSearchLines } from './use-search-lines';
import { NO_LINES } from './view-line';
import './log-panel.css';

/** How long typing must pause before the filter runs over (up to) 100,000 lines. */
const FILTER_DEBOUNCE_MS = 200;

/** A provider's live log: follow, filter, copy, and a search of the files on disk. */
export function LogPanel({ providerId }: { providerId: string }) {
  const { snapshot, loadOlder, reload } = useLog(providerId);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [searchParams, setSearchParams] = useState<LogSearchParams | undefined>(undefined);
  const settledQuery = useDebounced(query, FILTER_DEBOUNCE_MS);
  const filtered = useFilteredLines(snapshot, settledQuery, { regex, caseSensitive });
  const search = useSearchLines(providerId, searchParams);
  const searching = searchParams !== undefined;

  return (
    <div className="log-panel" data-testid="log-panel" data-provider={providerId}>
      <LogToolbar
        snapshot={snapshot}
        // Count and copy act on what is on screen: search results while searching.
        shown={searching ? (search.source ?? NO_LINES) : filtered.source}
        filtered={searching || settledQuery !== ''}
        live={!searching}
        query={query}
        onQueryChange={setQuery}
        regex={regex}
        onRegexChange={setRegex}
        caseSensitive={caseSensitive}
        onCaseSensitiveChange={setCaseSensitive}
        follow={follow}
        onFollowChange={setFollow}
        onSearchFiles={() => query.trim() && setSearchParams({ query: query.trim(), regex, caseSensitive })}
        onLoadOlder={loadOlder}
      />
      {filtered.error && (
        <p className="field-error" role="alert">
          {filtered.error}
        </p>
      )}
      {snapshot.status === 'error' && (
        <div className="log-error">
          <ErrorNotice error={snapshot.error} title="Could not read the log" />
          <button type="button" className="button button-secondary button-small" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {searchParams ? (
        <LogSearchResults
          params={searchParams}
          source={search.source}
          truncated={search.truncated}
          error={search.error}
          searching={search.searching}
          onSearchAgain={search.searchAgain}
          onClose={() => setSearchParams(undefined)}
        />
      ) : (
        <LogView
          source={filtered.source}
          follow={follow}
          onFollowChange={setFollow}
          empty={emptyText(snapshot.status, settledQuery !== '' && snapshot.length > 0)}
        />
      )}
      {snapshot.file && (
        <p className="log-file-path muted">
          File: <code>{snapshot.file}</code>
        </p>
      )}
    </div>
  );
}

function emptyText(status: string, filteredOut: boolean): string {
  if (status === 'loading' || status === 'idle') return 'Loading log…';
  if (filteredOut) return 'No line matches the filter. "Search files" looks through the whole history on disk.';
  return 'No output yet. Lines appear here as the provider prints them.';
}
