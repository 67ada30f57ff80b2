import { EmptyState } from '../../components/EmptyState';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';

export function LogsPage() {
  return (
    <Page id="logs" title="Logs" subtitle="What your providers print, live.">
      <EmptyState icon={<PageIcon page="logs" size={32} />} title="No logs yet">
        Each provider's output will stream here once it runs, with search and follow.
      </EmptyState>
    </Page>
  );
}
