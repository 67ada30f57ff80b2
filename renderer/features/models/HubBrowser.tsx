import { useState } from 'react';
import { useHubSearch, type HubSort } from '../../api/hub-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { HubResults } from './HubResults';
import { HubSearchForm } from './HubSearchForm';
import { RepoFiles } from './RepoFiles';
import { StarterList } from './StarterList';

/** "Get models": the starter list first, then a search of the hub and the selected repository's files. */
export function HubBrowser() {
  const [query, setQuery] = useState<string>();
  const [sort, setSort] = useState<HubSort>('downloads');
  const [repo, setRepo] = useState<string>();
  const search = useHubSearch(query, sort);
  return (
    <section className="card hub-browser" data-testid="hub-browser" aria-labelledby="hub-browser-title">
      <div className="section-header">
        <h3 id="hub-browser-title">Get models</h3>
      </div>
      <h4 className="hub-subtitle">Starter models</h4>
      <StarterList />
      <h4 className="hub-subtitle">Search Hugging Face</h4>
      <HubSearchForm
        sort={sort}
        busy={search.isFetching}
        onSort={setSort}
        onSearch={(q) => {
          setQuery(q);
          setRepo(undefined);
        }}
      />
      {search.error && <ErrorNotice error={search.error} title="Could not search the hub" testId="hub-search-error" />}
      {search.data && <HubResults results={search.data} selected={repo} onSelect={setRepo} />}
      {repo && <RepoFiles key={repo} repo={repo} />}
    </section>
  );
}
