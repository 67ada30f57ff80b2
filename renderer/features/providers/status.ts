import { LIVE, STARTABLE, type ProviderState, type ProviderStatus, type ProviderSummary } from '../../../shared/provider';
import type { ProviderFilter } from '../../state/ui';

/** Statuses with a live process of ours that Stop and Restart act on (not `stopping`: it is already on its way). */
const STOPPABLE: readonly ProviderStatus[] = ['starting', 'running', 'unhealthy'];

export function isLive(status: ProviderStatus): boolean {
  return LIVE.includes(status);
}

/** The state's reason, unless the badge or the error box below already says the same. */
export function reasonWorthShowing(state: ProviderState): string | undefined {
  const { reason, status, lastError } = state;
  // An external tile says where it runs in its own note.
  if (!reason || status === 'not-installed' || status === 'external' || reason === lastError?.message) return undefined;
  return reason;
}

export interface TileActions {
  start: boolean;
  stop: boolean;
  restart: boolean;
  /** Start is where it would be, but this machine cannot run the provider. */
  incompatible: boolean;
}

export function tileActions(provider: ProviderSummary): TileActions {
  const { status } = provider.state;
  const startable = STARTABLE.includes(status);
  const runnable = provider.compatibility.runnable;
  return {
    start: startable && runnable,
    stop: STOPPABLE.includes(status),
    restart: STOPPABLE.includes(status),
    incompatible: !runnable && (startable || status === 'not-installed'),
  };
}

/** What Start all would start: a provider waiting for its model is skipped there (and says so on its tile). */
export function startableInBulk(provider: ProviderSummary): boolean {
  return tileActions(provider).start && !provider.modelNeed;
}

export function matchesFilter(provider: ProviderSummary, filter: ProviderFilter): boolean {
  const { status } = provider.state;
  switch (filter) {
    case 'all':
      return true;
    case 'running':
      return isLive(status);
    case 'installed':
      // On this machine (ours or found running), whatever it is doing now.
      return status !== 'not-installed' && status !== 'installing';
    case 'not-installed':
      return status === 'not-installed' || status === 'installing';
  }
}
