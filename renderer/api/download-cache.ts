import type { DownloadState } from '../../shared/provider';

/**
 * Whether `next` may replace `current`. Throttled progress events and action answers can cross
 * on the way; the one stamped later wins so an old answer never rolls a row back.
 */
function isNewer(next: DownloadState, current: DownloadState): boolean {
  const a = Date.parse(next.updatedAt);
  const b = Date.parse(current.updatedAt);
  return Number.isNaN(a) || Number.isNaN(b) || a >= b;
}

/**
 * The list with one download replaced by id, or added at the end when it is new. Unloaded stays
 * unloaded (the fetch will bring it), and an older state leaves the same array (no re-render).
 */
export function upsertDownload(list: DownloadState[] | undefined, state: DownloadState): DownloadState[] | undefined {
  if (!list) return list;
  const index = list.findIndex((d) => d.id === state.id);
  if (index === -1) return [...list, state];
  if (!isNewer(state, list[index]!)) return list;
  const next = list.slice();
  next[index] = state;
  return next;
}
