import { useState } from 'react';
import type { ModelNeed, ProviderSummary } from '../../../shared/provider';
import { ChooseModelDialog } from './ChooseModelDialog';
import './model-choice.css';

/** Where Start would fail for want of a model: say so, and offer the choice instead. */
export function ModelNeeded({ provider, need }: { provider: ProviderSummary; need: ModelNeed }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="model-needed" data-testid="provider-model-needed" data-kind={need.kind}>
      <p>
        <strong>{need.kind === 'file-missing' ? 'Model missing' : 'No model yet'}</strong> — {need.message}
      </p>
      <button
        type="button"
        className="button button-primary button-small"
        data-testid="provider-choose-model"
        onClick={() => setOpen(true)}
      >
        Choose model
      </button>
      {open && <ChooseModelDialog provider={provider} input={need.input} onClose={() => setOpen(false)} />}
    </div>
  );
}
