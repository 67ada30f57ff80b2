import { EmptyState } from '../../components/EmptyState';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';

export function GatewayPage() {
  return (
    <Page id="gateway" title="Gateway" subtitle="One OpenAI-compatible endpoint in front of every provider.">
      <EmptyState icon={<PageIcon page="gateway" size={32} />} title="Gateway not set up yet">
        The gateway's address, routing strategy and per-provider statistics will appear here.
      </EmptyState>
    </Page>
  );
}
