import { useMemo } from 'react';
import { useLogSearch, type LogSearchParams } from '../../api/log-hooks';
import { searchMatchesToSource, type ViewSource } from './view-line';

/** `logs.search` results as a line source, so the same view and copy button work on them. */
export function useSearchLines(providerId: string, params: LogSearchParams | undefined) {
  const search = useLogSearch(providerId, params);
  const { data } = search;
  const source = useMemo<ViewSource | undefined>(() => (data ? searchMatchesToSource(data.matches) : undefined), [data]);
  return {
    source,
    truncated: data?.truncated ?? false,
    error: search.error,
    searching: search.isFetching,
    searchAgain: () => void search.refetch(),
  };
}
