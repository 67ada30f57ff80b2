import { create } from 'zustand';

export const PAGES = ['dashboard', 'providers', 'install', 'logs', 'resources', 'gateway', 'models', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

export function hashFor(page: PageId): string {
  return `#/${page}`;
}

/** `#/settings` → 'settings'; anything unknown falls back to the dashboard. */
export function pageFromHash(hash: string): PageId {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as PageId) : 'dashboard';
}

interface UiState {
  page: PageId;
}

/**
 * UI-only state. The page lives in the URL hash so a reload keeps it and back/forward work;
 * the store mirrors the hash rather than owning it, so links are plain `<a href="#/…">`.
 */
export const useUi = create<UiState>()(() => ({
  page: pageFromHash(location.hash),
}));

/** Keeps the store in step with the hash (links, back/forward, edits to the address bar). */
export function syncPageWithHash(): () => void {
  const onHashChange = () => useUi.setState({ page: pageFromHash(location.hash) });
  window.addEventListener('hashchange', onHashChange);
  onHashChange();
  return () => window.removeEventListener('hashchange', onHashChange);
}
