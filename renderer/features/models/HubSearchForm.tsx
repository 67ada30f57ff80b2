import { useState, type FormEvent } from 'react';
import type { HubSort } from '../../api/hub-hooks';

const SORTS: { value: HubSort; label: string }[] = [
  { value: 'downloads', label: 'Most downloaded' },
  { value: 'likes', label: 'Most liked' },
  { value: 'lastModified', label: 'Recently updated' },
];

interface HubSearchFormProps {
  sort: HubSort;
  onSearch: (query: string) => void;
  onSort: (sort: HubSort) => void;
  busy: boolean;
}

/** The query box and the order; a new order re-runs the last search at once. */
export function HubSearchForm({ sort, onSearch, onSort, busy }: HubSearchFormProps) {
  const [query, setQuery] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(query.trim());
  };
  return (
    <form className="hub-search-form" role="search" onSubmit={submit}>
      <input
        className="input hub-search-input"
        type="search"
        aria-label="Search GGUF models on Hugging Face"
        placeholder="Search GGUF models on Hugging Face, e.g. qwen2.5 coder"
        data-testid="hub-search-input"
        maxLength={200}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <select
        className="input select"
        aria-label="Order"
        data-testid="hub-search-sort"
        value={sort}
        onChange={(e) => onSort(e.target.value as HubSort)}
      >
        {SORTS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-secondary" data-testid="hub-search-submit" disabled={busy}>
        {busy ? 'Searching…' : 'Search'}
      </button>
    </form>
  );
}
