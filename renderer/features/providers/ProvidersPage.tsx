import { useProviders, useStartAll, useStopAll } from '../../api/provider-hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageIcon } from '../../components/icons';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { useUi } from '../../state/ui';
import { CatalogProblems } from './CatalogProblems';
import { DiscoveryPanel } from './DiscoveryPanel';
import { ProvidersToolbar } from './ProvidersToolbar';
import { ProviderTile } from './ProviderTile';
import { matchesFilter } from './status';
import './providers.css';

export function ProvidersPage() {
  const { data, error, isPending } = useProviders();
  const filter = useUi((state) => state.providerFilter);
  const bulk = { startAll: useStartAll(), stopAll: useStopAll() };
  const providers = data?.providers ?? [];
  const shown = providers.filter((p) => matchesFilter(p, filter));

  return (
    <Page
      id="providers"
      title="Providers"
      subtitle="Local LLM servers this app manages or has found."
      actions={data && <ProvidersToolbar providers={providers} bulk={bulk} />}
    >
      {isPending && <Loading label="Loading providers…" />}
      {error && !data && <ErrorNotice error={error} title="Could not load the providers" />}
      {bulk.startAll.error && <ErrorNotice error={bulk.startAll.error} title="Start all failed" testId="providers-bulk-error" />}
      {bulk.stopAll.error && <ErrorNotice error={bulk.stopAll.error} title="Stop all failed" testId="providers-bulk-error" />}
      {data && <CatalogProblems problems={data.problems} />}
      {data && <DiscoveryPanel providers={providers} />}
      {data && providers.length === 0 && (
        <EmptyState icon={<PageIcon page="providers" size={32} />} title="No providers yet">
          The catalog is empty. Built-in recipes and your own from config/providers.d/ appear here.
        </EmptyState>
      )}
      {data && providers.length > 0 && shown.length === 0 && (
        <p className="muted" data-testid="providers-none-match">
          No provider matches this filter.
        </p>
      )}
      {shown.length > 0 && (
        <div className="tile-grid" data-testid="provider-grid">
          {shown.map((provider) => (
            <ProviderTile key={provider.id} provider={provider} />
          ))}
        </div>
      )}
    </Page>
  );
}
