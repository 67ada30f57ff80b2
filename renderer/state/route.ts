import { INSTANCE_ID_PATTERN, PROVIDER_ID_PATTERN } from '../../shared/ids';

export const PAGES = ['dashboard', 'chat', 'providers', 'install', 'logs', 'resources', 'gateway', 'models', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

/** Where the hash points: a page and, for `providers` and `logs`, optionally one provider. */
export interface Route {
  page: PageId;
  providerId?: string;
}

const TAKES_PROVIDER: readonly PageId[] = ['providers', 'logs'];

export function hashFor(page: PageId, providerId?: string): string {
  return providerId ? `#/${page}/${encodeURIComponent(providerId)}` : `#/${page}`;
}

/** `#/providers/ollama` → { page: 'providers', providerId: 'ollama' }; anything unknown falls back to the dashboard. */
export function routeFromHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const [name = '', second] = path.split('/');
  if (!(PAGES as readonly string[]).includes(name)) return { page: 'dashboard' };
  const page = name as PageId;
  let id: string | undefined;
  try {
    id = second ? decodeURIComponent(second) : undefined;
  } catch {
    id = undefined; // a malformed escape in a hand-typed URL: show the page, not a crash
  }
  // A model loaded on demand has a log (its instance id) but no page of its own.
  const valid = id !== undefined && (PROVIDER_ID_PATTERN.test(id) || (page === 'logs' && INSTANCE_ID_PATTERN.test(id)));
  return TAKES_PROVIDER.includes(page) && valid ? { page, providerId: id } : { page };
}

export function pageFromHash(hash: string): PageId {
  return routeFromHash(hash).page;
}
