import type { ReactNode } from 'react';
import { memoryEstimate } from '../../../shared/model-memory';
import type { ModelFile } from '../../../shared/provider';
import type { ProviderOverride } from '../../../shared/settings';
import { useDeleteModel } from '../../api/model-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../../shared/format-bytes';
import { formatCount, formatInteger } from '../../format/count';
import { hashFor } from '../../state/route';

type EngineTuning = Pick<ProviderOverride, 'contextSize' | 'parallel'>;

/** One GGUF file: what its header says, what it costs on disk and in memory, and who uses it. */
export function ModelRow({ model, engine }: { model: ModelFile; engine?: EngineTuning }) {
  // At the built-in engine's settings: what this file would take to run there.
  const estimate = memoryEstimate(model, engine);
  // Another app's model (Ollama, LM Studio, a cache) is used in place: titled by that app's name for it.
  const origin = model.origin && model.origin !== 'models folder' ? model.origin : undefined;
  const title = origin ? (model.originalName ?? model.file) : model.file;
  // The header name is often the same as the file name without ".gguf"; repeating it adds nothing.
  const showName = model.name && model.name !== title.replace(/\.gguf$/i, '');
  const remove = useDeleteModel();
  const confirmDelete = () => {
    if (window.confirm(`Delete ${model.file}?\n\nThe file is removed from the models folder for good.`)) remove.mutate(model.file);
  };
  return (
    <article className="card model-row" data-testid={`model-row-${model.file}`}>
      <header className="model-row-header">
        <h2 className="model-file mono" title={model.path}>
          {title}
        </h2>
        {showName && <span className="muted model-name">{model.name}</span>}
        {origin ? (
          <span className="chip model-origin" data-testid="model-origin" title={`Used in place from ${origin}; never copied`}>
            {origin}
          </span>
        ) : (
          <button
            type="button"
            className="button button-ghost button-small button-danger model-delete"
            data-testid="model-delete"
            disabled={remove.isPending}
            onClick={confirmDelete}
          >
            {remove.isPending ? 'Deleting…' : 'Delete'}
          </button>
        )}
      </header>
      {origin && (
        <p className="muted model-location" data-testid="model-location">
          From {origin}, at <span className="mono">{model.path}</span>. Remove it in {origin}; this app never deletes it.
        </p>
      )}
      <dl className="fact-strip model-facts">
        <Fact label="Architecture" testId="model-arch">
          {model.architecture}
        </Fact>
        <Fact label="Parameters" testId="model-params" title={model.parameterCount?.toLocaleString('en-US')}>
          {model.parameterCount !== undefined && formatCount(model.parameterCount)}
        </Fact>
        <Fact label="Quantization" testId="model-quant">
          {model.quantization}
        </Fact>
        <Fact label="Context" testId="model-context">
          {model.contextLength !== undefined && formatInteger(model.contextLength)}
        </Fact>
        <Fact label="Embedding" testId="model-embedding">
          {model.embeddingLength !== undefined && formatInteger(model.embeddingLength)}
        </Fact>
        <Fact label="Layers" testId="model-layers">
          {model.layers !== undefined && formatInteger(model.layers)}
        </Fact>
        <Fact label="On disk" testId="model-size">
          {formatBytes(model.sizeBytes)}
        </Fact>
        <Fact
          label="Memory"
          testId="model-estimate"
          title={
            estimate &&
            `Rough: weights ${formatBytes(estimate.weightsBytes)} plus the KV cache ${formatBytes(estimate.contextBytes)}, at the built-in engine's context size${estimate.parallel > 1 ? ' for each of its parallel requests' : ''}`
          }
        >
          {estimate &&
            `≈ ${formatBytes(estimate.bytes)} at ${formatInteger(estimate.contextSize)} ctx${estimate.parallel > 1 ? ` × ${estimate.parallel}` : ''}`}
        </Fact>
      </dl>
      <UsedBy ids={model.usedBy} />
      {remove.error && <ErrorNotice error={remove.error} title={`Could not delete ${model.file}`} testId="model-delete-error" />}
      {model.error && (
        <p className="notice notice-error model-error" data-testid="model-error">
          {model.error}
        </p>
      )}
    </article>
  );
}

function UsedBy({ ids }: { ids: string[] }) {
  return (
    <div className="model-used-by" data-testid="model-used-by">
      <span className="fact-label">Used by</span>
      {ids.length === 0 && <span className="muted">no provider</span>}
      {ids.map((id) => (
        <a key={id} className="chip chip-accent" href={hashFor('providers', id)} data-testid={`model-used-by-${id}`}>
          {id}
        </a>
      ))}
    </div>
  );
}

interface FactProps {
  label: string;
  testId: string;
  title?: string;
  /** Nothing (false, undefined, empty) when the header lacks the value; a dash stands in. */
  children: ReactNode;
}

function Fact({ label, testId, title, children }: FactProps) {
  const empty = children === undefined || children === false || children === '';
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} title={title}>
        {empty ? <span className="muted">—</span> : children}
      </dd>
    </div>
  );
}
