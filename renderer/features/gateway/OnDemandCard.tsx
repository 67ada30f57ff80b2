import { useState, type FormEvent } from 'react';
import {
  ON_DEMAND_PROVIDER_LABELS,
  ON_DEMAND_PROVIDERS,
  type LoadableModel,
  type LoadableModelState,
  type OnDemandProvider,
  type OnDemandSettings,
} from '../../../shared/on-demand';
import { useOnDemandModels, useUnloadModel, useUpdateGateway } from '../../api/gateway-hooks';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../../shared/format-bytes';
import { formatDuration } from '../../format/duration';
import { useNow } from '../../hooks/use-now';

const TONE: Record<LoadableModelState, string> = {
  loaded: 'ok',
  loading: 'busy',
  unloading: 'busy',
  unloaded: 'idle',
  failed: 'bad',
};

/**
 * The models the gateway loads when a request names them (models folder and other apps' stores):
 * loaded, loading or unloaded, with an Unload button, and the TTL and budget that unload them.
 */
export function OnDemandCard() {
  const { data, error } = useOnDemandModels();
  const update = useUpdateGateway();
  const unload = useUnloadModel();
  if (!data) return error ? <ErrorNotice error={error} title="Could not read the models loaded on demand" /> : null;
  const { settings, models } = data;
  return (
    <div className="card gateway-on-demand" data-testid="on-demand-card">
      <div className="card-header">
        <h2>Models on demand</h2>
        <label className="gateway-enabled">
          <span className="muted">{settings.enabled ? 'Load when asked' : 'Off'}</span>
          <input
            type="checkbox"
            role="switch"
            className="toggle"
            data-testid="on-demand-enabled"
            aria-label="Load models on demand"
            checked={settings.enabled}
            disabled={update.isPending}
            onChange={(event) => update.mutate({ onDemand: { enabled: event.target.checked } })}
          />
        </label>
      </div>
      <p className="muted gateway-on-demand-intro">
        A request that names one of these models starts it (with the {ON_DEMAND_PROVIDER_LABELS[settings.provider]}), waits until it is
        ready and answers; idle models are unloaded.
      </p>
      <BudgetForm
        key={JSON.stringify(settings)}
        settings={settings}
        pending={update.isPending}
        onSave={(onDemand) => update.mutate({ onDemand })}
      />
      {models.length === 0 ? (
        <p className="muted" data-testid="on-demand-empty">
          No GGUF model in the models folder or in other apps’ stores yet. Download one on the Models page.
        </p>
      ) : (
        <table className="table" data-testid="on-demand-models">
          <thead>
            <tr>
              <th>Model</th>
              <th>State</th>
              <th>Details</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <ModelRow key={model.id} model={model} unloading={unload.isPending} onUnload={() => unload.mutate(model.id)} />
            ))}
          </tbody>
        </table>
      )}
      {update.isError && <ErrorNotice error={update.error} title="Could not change load on demand" />}
      {unload.isError && <ErrorNotice error={unload.error} title="Could not unload the model" />}
    </div>
  );
}

function ModelRow({ model, unloading, onUnload }: { model: LoadableModel; unloading: boolean; onUnload: () => void }) {
  const now = useNow();
  const details: string[] = [];
  if (model.provider && model.port) details.push(`${ON_DEMAND_PROVIDER_LABELS[model.provider]} on port ${model.port}`);
  if (model.inFlight) details.push(`${model.inFlight} in flight`);
  if (model.state === 'loaded' && model.lastUsedAt)
    details.push(`used ${formatDuration(Math.max(0, now - Date.parse(model.lastUsedAt)))} ago`);
  if (model.unloadsAt) details.push(`unloads in ${formatDuration(Math.max(0, Date.parse(model.unloadsAt) - now))}`);
  if (model.state === 'loaded' && !model.unloadsAt && !model.inFlight) details.push('kept loaded');
  if (model.reason && (model.state === 'failed' || model.state === 'unloaded')) details.push(model.reason);
  return (
    <tr data-testid={`on-demand-row-${model.id}`} data-state={model.state}>
      <td>
        <span className="mono">{model.id}</span>
        <span className="muted gateway-on-demand-origin">
          {' '}
          {formatBytes(model.sizeBytes)}
          {model.origin ? ` · ${model.origin}${model.originalName ? ` (${model.originalName})` : ''}` : ''}
        </span>
      </td>
      <td>
        <span className={`status-badge tone-${TONE[model.state]}`} data-testid="on-demand-state">
          <span className="status-badge-dot" aria-hidden="true" />
          {model.state}
        </span>
      </td>
      <td className="muted gateway-on-demand-details">{details.join(' · ')}</td>
      <td>
        {model.state === 'loaded' && (
          <ActionButton small variant="ghost" testId={`on-demand-unload-${model.id}`} disabled={unloading} onClick={onUnload}>
            Unload
          </ActionButton>
        )}
      </td>
    </tr>
  );
}

/** TTL (in minutes on screen, seconds in settings), the budget, and who runs the models. */
function BudgetForm({
  settings,
  pending,
  onSave,
}: {
  settings: OnDemandSettings;
  pending: boolean;
  onSave: (patch: Partial<OnDemandSettings>) => void;
}) {
  const [minutes, setMinutes] = useState(String(settings.ttlSec / 60));
  const [max, setMax] = useState(String(settings.maxLoadedModels));
  const ttlSec = Math.round(Number(minutes) * 60);
  const ttlValid = minutes.trim() !== '' && Number.isFinite(ttlSec) && ttlSec >= 0 && ttlSec <= 7 * 24 * 3600;
  const maxValid = /^\d+$/.test(max) && Number(max) >= 1 && Number(max) <= 16;
  const changed = ttlSec !== settings.ttlSec || Number(max) !== settings.maxLoadedModels;
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (ttlValid && maxValid && changed) onSave({ ttlSec, maxLoadedModels: Number(max) });
  };
  return (
    <form className="gateway-address gateway-on-demand-budget" onSubmit={save}>
      <label htmlFor="on-demand-ttl">Unload after idle</label>
      <input
        id="on-demand-ttl"
        data-testid="on-demand-ttl"
        className="input input-number"
        inputMode="decimal"
        value={minutes}
        aria-invalid={!ttlValid}
        onChange={(e) => setMinutes(e.target.value)}
      />
      <span>min</span>
      <label htmlFor="on-demand-max">Models loaded at once</label>
      <input
        id="on-demand-max"
        data-testid="on-demand-max"
        className="input input-number"
        inputMode="numeric"
        value={max}
        aria-invalid={!maxValid}
        onChange={(e) => setMax(e.target.value)}
      />
      <button
        type="submit"
        className="button button-secondary button-small"
        data-testid="on-demand-apply"
        disabled={!ttlValid || !maxValid || !changed || pending}
      >
        Apply
      </button>
      <label className="gateway-enabled">
        <input
          type="checkbox"
          data-testid="on-demand-memory"
          checked={settings.memoryCheck}
          disabled={pending}
          onChange={(e) => onSave({ memoryCheck: e.target.checked })}
        />
        also unload to fit RAM
      </label>
      <label htmlFor="on-demand-provider">Run with</label>
      <select
        id="on-demand-provider"
        data-testid="on-demand-provider"
        className="input select"
        value={settings.provider}
        disabled={pending}
        onChange={(e) => onSave({ provider: e.target.value as OnDemandProvider })}
      >
        {ON_DEMAND_PROVIDERS.map((id) => (
          <option key={id} value={id}>
            {ON_DEMAND_PROVIDER_LABELS[id]}
          </option>
        ))}
      </select>
      <span className="muted gateway-address-hint">
        0 min keeps models loaded until another needs the room. A request’s own keep_alive (as Ollama takes it: &quot;5m&quot;, seconds, 0
        to unload after it, negative to keep) wins.
      </span>
    </form>
  );
}
