import { EmptyState } from '../../components/EmptyState';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';

export function ResourcesPage() {
  return (
    <Page id="resources" title="Resources" subtitle="CPU, memory and GPU use over time.">
      <EmptyState icon={<PageIcon page="resources" size={32} />} title="No graphs yet">
        Live CPU, RAM and GPU graphs for the machine and each running provider will appear here.
      </EmptyState>
    </Page>
  );
}
