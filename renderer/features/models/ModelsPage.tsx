import { useSettings } from '../../api/hooks';
import { useModels } from '../../api/model-hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageIcon } from '../../components/icons';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { DownloadForm } from './DownloadForm';
import { DownloadsList } from './DownloadsList';
import { HubBrowser } from './HubBrowser';
import { ModelRow } from './ModelRow';
import { ModelsFolder } from './ModelsFolder';
import './models.css';
import './downloads.css';
import './hub.css';

export function ModelsPage() {
  const { data, error, isPending } = useModels();
  const engine = useSettings().data?.values.providers.engine;
  return (
    <Page
      id="models"
      title="Models"
      subtitle="GGUF model files on disk: the models folder, and those LM Studio, Ollama, llama.cpp and Hugging Face already keep (used in place)."
    >
      {isPending && <Loading label="Loading models…" />}
      {error && !data && <ErrorNotice error={error} title="Could not list the models" />}
      {data && <ModelsFolder dir={data.dir} />}
      {data && data.models.length === 0 && (
        <EmptyState icon={<PageIcon page="models" size={32} />} title="No models yet" testId="models-empty">
          No .gguf files in the models folder. Pick a starter model below, search Hugging Face, paste a URL, or copy a file in: it appears
          here within a few seconds.
        </EmptyState>
      )}
      {data && data.models.length > 0 && (
        <div className="model-rows" data-testid="models-list">
          {data.models.map((model) => (
            <ModelRow key={model.file} model={model} engine={engine} />
          ))}
        </div>
      )}
      <DownloadsList />
      <HubBrowser />
      <DownloadForm />
    </Page>
  );
}
