import type { GatewayStatus } from '../../../shared/gateway';
import { useOnDemandModels } from '../../api/gateway-hooks';

/** What a chat through the gateway may name: models a healthy provider serves, then those it would load when asked. */
export function useGatewayModels(status: GatewayStatus | undefined) {
  const served = (status?.routes ?? []).filter((r) => r.targets.some((t) => t.healthy)).map((r) => r.model);
  const { data: onDemand } = useOnDemandModels();
  const loadable = onDemand?.settings.enabled ? onDemand.models.filter((m) => !served.includes(m.id)) : [];
  const all = [...served, ...loadable.map((m) => m.id)];
  /** The model to use: the one chosen while it is still offered, else the first. */
  const pick = (chosen: string) => (all.includes(chosen) ? chosen : (all[0] ?? ''));
  const isLoading = (model: string) => onDemand?.models.find((m) => m.id === model)?.state === 'loading';
  return { served, loadable, all, pick, isLoading };
}

interface GatewayModelSelectProps {
  models: ReturnType<typeof useGatewayModels>;
  value: string;
  onChange(model: string): void;
  testId: string;
}

export function GatewayModelSelect({ models, value, onChange, testId }: GatewayModelSelectProps) {
  const { served, loadable, all } = models;
  return (
    <select
      className="input select"
      data-testid={testId}
      aria-label="Model"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={all.length === 0}
    >
      {all.length === 0 && <option value="">no healthy model</option>}
      {served.map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
      {loadable.length > 0 && (
        <optgroup label="Loaded on demand when sent">
          {loadable.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id} ({m.state === 'loading' ? 'loading' : 'not loaded'})
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}
