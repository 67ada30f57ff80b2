import type { useStartAll, useStopAll } from '../../api/provider-hooks';
import type { ProviderSummary } from '../../../shared/provider';
import { runningModels } from '../../../shared/on-demand';
import { useOnDemandModels } from '../../api/gateway-hooks';
import { ActionButton } from '../../components/ActionButton';
import { PROVIDER_FILTERS, useUi, type ProviderFilter } from '../../state/ui';
import { startableInBulk, tileActions } from './status';

const FILTER_LABELS: Record<ProviderFilter, string> = {
  all: 'All',
  running: 'Running',
  installed: 'Installed',
  'not-installed': 'Not installed',
};

export interface BulkActions {
  startAll: ReturnType<typeof useStartAll>;
  stopAll: ReturnType<typeof useStopAll>;
}

/** Start all / Stop all and the status filter; the page shows the bulk actions' errors. */
export function ProvidersToolbar({ providers, bulk }: { providers: ProviderSummary[]; bulk: BulkActions }) {
  const filter = useUi((state) => state.providerFilter);
  const setFilter = useUi((state) => state.setProviderFilter);
  const anyStartable = providers.some(startableInBulk);
  // Stop all stops the models the gateway loaded on demand too, though no tile of theirs is live.
  const { data: onDemand } = useOnDemandModels();
  const anyLoaded = runningModels(onDemand?.models).length > 0;
  const anyStoppable = anyLoaded || providers.some((p) => tileActions(p).stop);
  const busy = bulk.startAll.isPending || bulk.stopAll.isPending;

  return (
    <div className="toolbar">
      <label className="toolbar-filter">
        <span className="muted">Show</span>
        <select
          className="input select"
          data-testid="providers-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value as ProviderFilter)}
        >
          {PROVIDER_FILTERS.map((value) => (
            <option key={value} value={value}>
              {FILTER_LABELS[value]}
            </option>
          ))}
        </select>
      </label>
      <ActionButton testId="providers-start-all" disabled={busy || !anyStartable} onClick={() => bulk.startAll.mutate()}>
        {bulk.startAll.isPending ? 'Starting all…' : 'Start all'}
      </ActionButton>
      <ActionButton testId="providers-stop-all" disabled={busy || !anyStoppable} onClick={() => bulk.stopAll.mutate()}>
        {bulk.stopAll.isPending ? 'Stopping all…' : 'Stop all'}
      </ActionButton>
    </div>
  );
}
