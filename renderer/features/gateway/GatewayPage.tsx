import { useGatewayStats, useGatewayStatus } from '../../api/gateway-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { EndpointCard } from './EndpointCard';
import { OnDemandCard } from './OnDemandCard';
import { RoutingCard } from './RoutingCard';
import { SnippetsCard } from './SnippetsCard';
import { StatsCard } from './StatsCard';
import { TryItCard } from './TryItCard';
import './gateway.css';

export function GatewayPage() {
  const { data: status, error, isPending } = useGatewayStatus();
  const { data: stats } = useGatewayStats();
  return (
    <Page id="gateway" title="Gateway" subtitle="One OpenAI-compatible endpoint in front of every provider.">
      {isPending && <Loading label="Loading the gateway…" />}
      {error && !status && <ErrorNotice error={error} title="Could not read the gateway" />}
      {status && (
        <div className="gateway-page">
          <EndpointCard key={`${status.host}:${status.port}`} status={status} />
          <SnippetsCard status={status} />
          <RoutingCard status={status} stats={stats} />
          <OnDemandCard />
          <StatsCard stats={stats} />
          <TryItCard status={status} />
        </div>
      )}
    </Page>
  );
}
