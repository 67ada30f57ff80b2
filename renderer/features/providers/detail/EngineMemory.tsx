import { memoryEstimate, memoryFit, type MemoryEstimate, type MemoryFit } from '../../../../shared/model-memory';
import { formatBytes } from '../../../../shared/format-bytes';
import { useSystemCheck, useSystemInfo } from '../../../api/hooks';
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
  const gpus = useSystemCheck().data?.gpus;
  const file = engineModel(models, model || undefined);
  const estimate = file && memoryEstimate(file, { contextSize, parallel });
  if (!file || !estimate) return null;
  const name = file.originalName ?? file.file;
  // Said once both the RAM and the GPUs are known: a guess from one of them could be wrong.
  const fit = system && gpus && memoryFit(estimate.bytes, system.memory.totalBytes, gpus);
  const where = fit ? placementWords(fit, estimate) : '';
  return (
    <div className="field">
      <div className="field-label">
        <span className="field-label-text">Memory</span>
        <p className="field-description">Rough: the weights plus the context (KV cache) the engine keeps for each request.</p>
      </div>
      <div className="field-control">
        <p
          className={`engine-memory${fit?.where === 'none' ? ' notice notice-warning' : ''}`}
          data-testid="engine-memory"
          data-fit={fit?.where}
        >
          With <span className="mono">{name}</span>: about <strong>{formatBytes(estimate.bytes)}</strong> (weights{' '}
          {formatBytes(estimate.weightsBytes)} + context {formatBytes(estimate.contextBytes)} for {formatInteger(estimate.contextSize)}{' '}
          tokens
          {estimate.parallel > 1 ? ` × ${estimate.parallel} requests` : ''}).
          {where && ` ${where}`}
          {file.contextLength !== undefined &&
            contextSize !== undefined &&
            contextSize > file.contextLength &&
            ` The model was trained on ${formatInteger(file.contextLength)} tokens, so the engine uses that many.`}
        </p>
      </div>
    </div>
  );
}

/** Where the model will run, in the user's words: on the GPU, partly on the CPU (slower), on the CPU, or not at all. */
function placementWords(fit: MemoryFit, estimate: MemoryEstimate): string {
  switch (fit.where) {
    case 'gpu':
      return `It fits in the ${fit.gpu}'s ${formatBytes(fit.vramBytes)}: the engine runs it on the GPU.`;
    case 'split':
      return (
        `That is more than the ${fit.gpu}'s ${formatBytes(fit.vramBytes)}: the engine keeps the rest in RAM and runs that part on the CPU, which is slower.` +
        // The weights alone fit: it is the context that does not.
        (estimate.weightsBytes * 1.1 <= fit.vramBytes ? ' A smaller context or fewer parallel requests would keep it all on the GPU.' : '')
      );
    case 'ram':
      // A GPU sharing RAM other than Apple's may or may not be used (Vulkan): nothing is said of it.
      if (fit.appleGpu)
        return `It fits in this machine's ${formatBytes(fit.ramBytes)}, which the ${fit.appleGpu} shares: the engine runs it there.`;
      return fit.gpus === 0 ? 'No GPU was found: the engine runs it on the CPU.' : '';
    case 'none':
      return fit.gpu
        ? `That is more than this machine's ${formatBytes(fit.ramBytes)} of RAM and the ${fit.gpu}'s ${formatBytes(fit.vramBytes!)} together: the engine will not start.`
        : `That is more than this machine's ${formatBytes(fit.ramBytes)} of RAM, and no GPU with memory of its own was found: the engine will not start.`;
  }
}
