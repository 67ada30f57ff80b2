import type { LogSnapshot } from '../../api/log-buffer';
import { CopyButton } from './CopyButton';
import { LogCount } from './LogCount';
import type { ViewSource } from './view-line';

interface LogToolbarProps {
  snapshot: LogSnapshot;
  /** What the view shows now (the filtered lines when filtering). */
  shown: ViewSource;
  filtered: boolean;
  /** False while file search results are shown: following and paging apply to the live log only. */
  live: boolean;
  query: string;
  onQueryChange: (query: string) => void;
  regex: boolean;
  onRegexChange: (value: boolean) => void;
  caseSensitive: boolean;
  onCaseSensitiveChange: (value: boolean) => void;
  follow: boolean;
  onFollowChange: (value: boolean) => void;
  onSearchFiles: () => void;
  onLoadOlder: () => void;
}

export function LogToolbar(props: LogToolbarProps) {
  const { snapshot, shown, filtered, live, query, follow } = props;
  return (
    <div className="log-toolbar">
      <form
        className="log-filter-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSearchFiles();
        }}
      >
        <input
          className="input log-filter"
          data-testid="log-filter"
          type="search"
          placeholder="Filter lines…"
          aria-label="Filter lines"
          spellCheck={false}
          value={query}
          onChange={(event) => props.onQueryChange(event.target.value)}
        />
        <label className="log-option" title="Match case">
          <input type="checkbox" checked={props.caseSensitive} onChange={(e) => props.onCaseSensitiveChange(e.target.checked)} />
          Aa
        </label>
        <label className="log-option" title="Regular expression">
          <input type="checkbox" checked={props.regex} onChange={(e) => props.onRegexChange(e.target.checked)} data-testid="log-regex" />
          .*
        </label>
        <button
          type="submit"
          className="button button-secondary button-small"
          data-testid="log-search"
          disabled={query.trim() === ''}
          title="Search the whole history in the log files on disk"
        >
          Search files
        </button>
      </form>
      <div className="log-toolbar-right">
        <LogCount snapshot={snapshot} shown={shown.length} filtered={filtered} />
        {live && snapshot.mayHaveOlder && (
          <button type="button" className="button button-ghost button-small" data-testid="log-load-older" onClick={props.onLoadOlder}>
            Load earlier
          </button>
        )}
        {live && (
          <label className="log-option log-follow-label">
            <input
              type="checkbox"
              role="switch"
              className="toggle toggle-small"
              data-testid="log-follow"
              checked={follow}
              onChange={(event) => props.onFollowChange(event.target.checked)}
            />
            Follow
          </label>
        )}
        {live && !follow && (
          <button
            type="button"
            className="button button-primary button-small"
            data-testid="log-jump"
            onClick={() => props.onFollowChange(true)}
          >
            Jump to latest ↓
          </button>
        )}
        <CopyButton source={shown} />
      </div>
    </div>
  );
}
