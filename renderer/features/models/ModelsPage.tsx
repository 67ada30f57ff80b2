import { EmptyState } from '../../components/EmptyState';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';

export function ModelsPage() {
  return (
    <Page id="models" title="Models" subtitle="Model files on disk and downloads.">
      <EmptyState icon={<PageIcon page="models" size={32} />} title="No models yet">
        GGUF files found in the models folder and downloads in progress will appear here.
      </EmptyState>
    </Page>
  );
}
