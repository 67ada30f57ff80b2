import { GATEWAY_STRATEGIES, STRATEGY_LABELS, type GatewayStrategy } from '../../../shared/gateway';

interface StrategySelectProps {
  id: string;
  value: GatewayStrategy | null;
  /** Offered as the empty choice ("Default (round robin)") when set. */
  inherit?: GatewayStrategy;
  disabled?: boolean;
  label: string;
  onChange: (value: GatewayStrategy | null) => void;
}

/** One strategy picker, for the default and for each model (where "default" is a choice too). */
export function StrategySelect({ id, value, inherit, disabled, label, onChange }: StrategySelectProps) {
  return (
    <select
      id={id}
      data-testid={id}
      className="input select"
      aria-label={label}
      value={value ?? ''}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value === '' ? null : (event.target.value as GatewayStrategy))}
    >
      {inherit && <option value="">Default ({STRATEGY_LABELS[inherit].toLowerCase()})</option>}
      {GATEWAY_STRATEGIES.map((strategy) => (
        <option key={strategy} value={strategy}>
          {STRATEGY_LABELS[strategy]}
        </option>
      ))}
    </select>
  );
}
