import type { HubSearchResult } from '../../../shared/hub';
import { formatCount } from '../../format/count';

interface HubResultsProps {
  results: HubSearchResult[];
  selected?: string;
  onSelect: (repo: string) => void;
}

/** Search hits: each a button that opens the repository's files. */
export function HubResults({ results, selected, onSelect }: HubResultsProps) {
  if (results.length === 0)
    return (
      <p className="muted" data-testid="hub-results-empty">
        No GGUF repositories match.
      </p>
    );
  return (
    <ul className="hub-results" data-testid="hub-results" aria-label="Search results">
      {results.map((r) => (
        <li key={r.id}>
          <button
            type="button"
            className={`hub-result${r.id === selected ? ' hub-result-selected' : ''}`}
            data-testid={`hub-result-${r.id}`}
            aria-pressed={r.id === selected}
            onClick={() => onSelect(r.id)}
          >
            <span className="hub-result-id mono">{r.id}</span>
            <span className="hub-result-stats muted">
              {r.downloads !== undefined && (
                <span title={`${r.downloads.toLocaleString('en-US')} downloads`}>↓ {formatCount(r.downloads)}</span>
              )}
              {r.likes !== undefined && <span title={`${r.likes.toLocaleString('en-US')} likes`}>♥ {formatCount(r.likes)}</span>}
              {r.lastModified && <span>{r.lastModified.slice(0, 10)}</span>}
            </span>
            {r.gated && (
              <span
                className="chip hub-gated-chip"
                data-testid="hub-result-gated"
                title="Accept the licence on its page and set a token to download"
              >
                gated
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
