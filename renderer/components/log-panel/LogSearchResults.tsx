import { useState } from 'react';
import type { LogSearchParams } from '../../api/log-hooks';
import { ErrorNotice } from '../ErrorNotice';
import { Loading } from '../Loading';
import { LogView } from './LogView';
import type { ViewSource } from './view-line';

interface LogSearchResultsProps {
  params: LogSearchParams;
  source: ViewSource | undefined;
  truncated: boolean;
  error: unknown;
  searching: boolean;
  onSearchAgain: () => void;
  onClose: () => void;
}

/** Matches from the log files on disk, shown in place of the live view until closed; newest at the bottom, in view. */
export function LogSearchResults({ params, source, truncated, error, searching, onSearchAgain, onClose }: LogSearchResultsProps) {
  const [follow, setFollow] = useState(true);
  return (
    <div className="log-search" data-testid="log-search-results">
      <div className="log-search-bar">
        <span>
          Files matching <code>{params.query}</code>
          {source && (
            <span className="muted" data-testid="log-search-count">
              {' '}
              — {source.length.toLocaleString()} {source.length === 1 ? 'line' : 'lines'}
              {truncated && ' (only the newest are shown: narrow the search)'}
            </span>
          )}
        </span>
        <span className="log-search-actions">
          <button type="button" className="button button-ghost button-small" onClick={onSearchAgain} disabled={searching}>
            {searching ? 'Searching…' : 'Search again'}
          </button>
          <button type="button" className="button button-secondary button-small" data-testid="log-search-close" onClick={onClose}>
            Back to live log
          </button>
        </span>
      </div>
      {searching && !source && <Loading label="Searching the log files…" />}
      {error !== null && error !== undefined && <ErrorNotice error={error} title="Search failed" />}
      {source && <LogView source={source} follow={follow} onFollowChange={setFollow} empty="No line in the log files matches." />}
    </div>
  );
}
