import type { Contract } from '../../shared/contract';
import type { ProviderDetail, ProviderState } from '../../shared/provider';
import type { OutputOf } from '../../shared/rpc/define';

export type ProviderList = OutputOf<Contract['requests']['providers.list']>;

/** How many health samples a cached detail keeps when events add to it. */
export const HEALTH_HISTORY_CAP = 120;

/**
 * Whether `next` may replace `current`. A mutation's answer and the host's events can arrive in
 * either order; the state stamped later wins so an old answer never rolls the UI back.
 */
export function isNewer(next: ProviderState, current: ProviderState): boolean {
  const a = Date.parse(next.updatedAt);
  const b = Date.parse(current.updatedAt);
  return Number.isNaN(a) || Number.isNaN(b) || a >= b;
}

/** The list with one provider's state replaced; the same object when nothing changes (no re-render). */
export function patchListState(list: ProviderList | undefined, state: ProviderState): ProviderList | undefined {
  if (!list) return list;
  const index = list.providers.findIndex((p) => p.id === state.id);
  const current = list.providers[index];
  if (!current || !isNewer(state, current.state)) return list;
  const providers = list.providers.slice();
  providers[index] = { ...current, state };
  return { ...list, providers };
}

/** The detail with its state replaced and the state's latest health sample added to the history. */
export function patchDetailState(detail: ProviderDetail | undefined, state: ProviderState): ProviderDetail | undefined {
  if (!detail || detail.id !== state.id || !isNewer(state, detail.state)) return detail;
  return { ...detail, state, healthHistory: withSample(detail.healthHistory, state) };
}

function withSample(history: ProviderDetail['healthHistory'], state: ProviderState): ProviderDetail['healthHistory'] {
  const sample = state.health;
  // Every state event repeats the latest sample; only a new one (a later `at`) is appended.
  if (!sample || history.some((s) => s.at === sample.at)) return history;
  const next = [...history, sample];
  return next.length > HEALTH_HISTORY_CAP ? next.slice(next.length - HEALTH_HISTORY_CAP) : next;
}
