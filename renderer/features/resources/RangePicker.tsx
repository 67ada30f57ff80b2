import { RESOURCE_RANGES, type ResourceRange } from '../../../shared/resources';

const LABELS: Record<ResourceRange, string> = { '1m': '1 min', '15m': '15 min', '1h': '1 hour' };

export function RangePicker({ value, onChange }: { value: ResourceRange; onChange: (range: ResourceRange) => void }) {
  return (
    <div className="range-picker" role="radiogroup" aria-label="Time range">
      {RESOURCE_RANGES.map((range) => (
        <button
          key={range}
          type="button"
          role="radio"
          aria-checked={value === range}
          className={`range-option${value === range ? ' range-option-active' : ''}`}
          data-testid={`range-${range}`}
          onClick={() => onChange(range)}
        >
          {LABELS[range]}
        </button>
      ))}
    </div>
  );
}
