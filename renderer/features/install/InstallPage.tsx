import { EmptyState } from '../../components/EmptyState';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';

export function InstallPage() {
  return (
    <Page id="install" title="Install" subtitle="Add a provider to this machine.">
      <EmptyState icon={<PageIcon page="install" size={32} />} title="Nothing to install yet">
        The provider catalog will appear here: pick one, check its requirements and follow its installation step by step.
      </EmptyState>
    </Page>
  );
}
