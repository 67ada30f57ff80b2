import { EmptyState } from '../../components/EmptyState';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';

export function ProvidersPage() {
  return (
    <Page id="providers" title="Providers" subtitle="Local LLM servers this app manages or has found.">
      <EmptyState icon={<PageIcon page="providers" size={32} />} title="No providers yet">
        Installed and discovered providers will appear here as live tiles, with their status, port and models.
      </EmptyState>
    </Page>
  );
}
