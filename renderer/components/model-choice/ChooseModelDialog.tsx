import { useId, useState } from 'react';
import type { ProviderSummary } from '../../../shared/provider';
import { useSettings, useUpdateSettings } from '../../api/hooks';
import { useModels } from '../../api/model-hooks';
import { useProviderAction } from '../../api/provider-hooks';
import { ErrorNotice } from '../ErrorNotice';
import { hashFor } from '../../state/ui';
import { GgufPicker } from './GgufPicker';
import '../modal.css';

interface ChooseModelDialogProps {
  provider: ProviderSummary;
  /** GGUF providers pick a file; the others are told a name (a Hugging Face repository, mostly). */
  input: 'gguf' | 'name';
  onClose(): void;
}

/**
 * The model a provider starts with, chosen where Start would otherwise fail: saved in its settings
 * (`providers.<id>.model`, as the Configuration card does), then started at once if the user asks.
 */
export function ChooseModelDialog({ provider, input, onClose }: ChooseModelDialogProps) {
  const titleId = useId();
  const settings = useSettings();
  const models = useModels();
  const update = useUpdateSettings();
  const start = useProviderAction();
  const [model, setModel] = useState(settings.data?.values.providers[provider.id]?.model ?? '');
  const chosen = model.trim();
  const none = input === 'gguf' && models.data !== undefined && !models.data.models.some((m) => !m.error);
  const pending = update.isPending || start.isPending;

  const save = (andStart: boolean) =>
    update.mutate(
      { providers: { [provider.id]: { model: chosen } } },
      {
        onSuccess: () => {
          if (!andStart) return onClose();
          start.mutate({ id: provider.id, action: 'start' }, { onSuccess: onClose });
        },
      },
    );

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && !pending && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="choose-model-dialog">
        <h2 id={titleId}>Choose a model for {provider.name}</h2>
        {provider.modelNeed && <p className="muted">{provider.modelNeed.message}</p>}
        {none ? (
          <p data-testid="choose-model-none">
            There is no GGUF model on this machine yet. <a href={hashFor('models')}>Get one on the Models page</a> — a starter model is one
            click — then come back here.
          </p>
        ) : input === 'gguf' ? (
          <label className="field-label" htmlFor="choose-model">
            Model file
            <GgufPicker id="choose-model" value={model} onChange={setModel} emptyLabel="(choose a model)" />
          </label>
        ) : (
          <label className="field-label" htmlFor="choose-model">
            Model name, as {provider.name} expects it
            <input
              id="choose-model"
              data-testid="choose-model"
              className="input mono"
              placeholder="Qwen/Qwen2.5-0.5B-Instruct"
              value={model}
              onChange={(e) => setModel(e.target.value)}
            />
          </label>
        )}
        {update.error && <ErrorNotice error={update.error} title="Could not save the model" />}
        {start.error && <ErrorNotice error={start.error} title={`Could not start ${provider.name}`} />}
        <div className="modal-actions">
          <button type="button" className="button button-ghost" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-secondary"
            data-testid="choose-model-save"
            disabled={!chosen || pending}
            onClick={() => save(false)}
          >
            Save
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="choose-model-start"
            disabled={!chosen || pending}
            onClick={() => save(true)}
          >
            {start.isPending ? 'Starting…' : 'Save and start'}
          </button>
        </div>
      </div>
    </div>
  );
}
