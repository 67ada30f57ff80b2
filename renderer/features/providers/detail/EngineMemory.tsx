import { memoryEstimate } from '../../../../shared/model-memory';
import { formatBytes } from '../../../../shared/format-bytes';
import { useSystemInfo } from '../../../api/hooks';
import { useModels } from '../../../api/model-hooks';
import { engineModel } from '../../../components/model-choice/engine-model';
import { formatInteger } from '../../../format/count';

interface EngineMemoryProps {
  /** The model as the draft names it; empty means the engine's default, the first GGUF in the models folder. */
  model: string;
  contextSize?: number;
  parallel?: number;
}

/**
 * What the built-in engine's choices cost in memory, with the model they apply to: the numbers
 * behind "more context needs more memory", worked out as the user types.
 */
export function EngineMemory({ model, contextSize, parallel }: EngineMemoryProps) {
  const models = useModels().data?.models ?? [];
  const system = useSystemInfo().data;
  const file = engineModel(models, model || undefined);
  const estimate = file && memoryEstimate(file, { contextSize, parallel });
  if (!file || !estimate) return null;
  const name = file.originalName ?? file.file;
  const overRam = system && estimate.bytes > system.memory.totalBytes;
  return (
    <div className="field">
      <div className="field-label">
        <span className="field-label-text">Memory</span>
        <p className="field-description">Rough: the weights plus the context (KV cache) the engine keeps for each request.</p>
      </div>
      <div className="field-control">
        <p className={`engine-memory${overRam ? ' notice notice-warning' : ''}`} data-testid="engine-memory">
          With <span className="mono">{name}</span>: about <strong>{formatBytes(estimate.bytes)}</strong> (weights{' '}
          {formatBytes(estimate.weightsBytes)} + context {formatBytes(estimate.contextBytes)} for {formatInteger(estimate.contextSize)}{' '}
          tokens
          {estimate.parallel > 1 ? ` × ${estimate.parallel} requests` : ''}).
          {overRam &&
            ` That is more than this machine's ${formatBytes(system.memory.totalBytes)} of RAM: unless a GPU holds part of it, the engine will not start.`}
          {file.contextLength !== undefined &&
            contextSize !== undefined &&
            contextSize > file.contextLength &&
            ` The model was trained on ${formatInteger(file.contextLength)} tokens, so the engine uses that many.`}
        </p>
      </div>
    </div>
  );
}
