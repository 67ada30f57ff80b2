import { useProvider } from '../../../api/provider-hooks';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { Page } from '../../../components/Page';
import { hashFor } from '../../../state/ui';
import { LogPanel } from '../../../components/log-panel/LogPanel';
import { DetailHeader } from './DetailHeader';
import { HealthHistory } from './HealthHistory';
import { ProviderConfig } from './ProviderConfig';
import { RecipeFacts } from './RecipeFacts';
// The header is a tile: the tiles' sheet comes first so the detail sheet's rules win over it.
import '../providers.css';
import './provider-detail.css';

export function ProviderDetailPage({ id }: { id: string }) {
  const { data, error, isPending } = useProvider(id);
  const back = (
    <a className="button button-ghost" href={hashFor('providers')} data-testid="provider-detail-back">
      ← All providers
    </a>
  );

  return (
    <Page id="providers" testId={`provider-detail-${id}`} title={data?.name ?? id} subtitle={data?.description} actions={back}>
      {isPending && <Loading label="Loading provider…" />}
      {error && !data && <ErrorNotice error={error} title={`Could not load provider "${id}"`} />}
      {data && (
        <>
          <DetailHeader provider={data} />
          <div className="detail-columns">
            <RecipeFacts provider={data} />
            <HealthHistory samples={data.healthHistory} />
          </div>
          {data.installStrategy !== 'external' && <ProviderConfig provider={data} />}
          <section className="card" aria-label="Log">
            <header className="card-header">
              <h2>Log</h2>
            </header>
            <LogPanel providerId={id} />
          </section>
        </>
      )}
    </Page>
  );
}
