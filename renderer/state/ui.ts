import { create } from 'zustand';
import { routeFromHash, type Route } from './route';

export { hashFor, PAGES, pageFromHash, routeFromHash, type PageId, type Route } from './route';

/** Which providers the Providers page shows. */
export const PROVIDER_FILTERS = ['all', 'running', 'installed', 'not-installed'] as const;
export type ProviderFilter = (typeof PROVIDER_FILTERS)[number];

interface UiState extends Route {
  providerFilter: ProviderFilter;
  setProviderFilter(filter: ProviderFilter): void;
}

/**
 * UI-only state. The route lives in the URL hash so a reload keeps it and back/forward work;
 * the store mirrors the hash rather than owning it, so links are plain `<a href="#/…">`.
 */
export const useUi = create<UiState>()((set) => ({
  ...routeFromHash(location.hash),
  providerFilter: 'all',
  setProviderFilter: (providerFilter) => set({ providerFilter }),
}));

/** Keeps the store in step with the hash (links, back/forward, edits to the address bar). */
export function syncPageWithHash(): () => void {
  const onHashChange = () => {
    const { page, providerId } = routeFromHash(location.hash);
    // providerId is set even when undefined, so leaving a detail view clears it.
    useUi.setState({ page, providerId });
  };
  window.addEventListener('hashchange', onHashChange);
  onHashChange();
  return () => window.removeEventListener('hashchange', onHashChange);
}
