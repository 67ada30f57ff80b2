import type { SettingKey, SettingsState } from '../../../shared/settings';
import { Field } from '../../components/Field';
import { SourceLabel } from './SourceLabel';

/** The control's own description, and its error when it has one. */
export function describedBy(id: string, error: string | undefined): string {
  return error ? `${id}-description ${id}-error` : `${id}-description`;
}

interface ToggleProps {
  id: string;
  checked: boolean;
  onChange: (value: boolean) => void;
  /** Omitted where the toggle's label says it all. */
  describedBy?: string;
}

/** An on/off switch (a checkbox with the switch role). */
export function Toggle({ id, checked, onChange, describedBy }: ToggleProps) {
  return (
    <input
      id={id}
      data-testid={id}
      className="toggle"
      type="checkbox"
      role="switch"
      checked={checked}
      aria-describedby={describedBy}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}

interface NumberLimits {
  min: number;
  max: number;
  integer: boolean;
  unit: string;
}

interface NumberSettingsProps<K extends SettingKey> {
  fields: readonly { key: K; label: string; description: string }[];
  state: SettingsState;
  /** As typed: a half-typed number stays text. */
  draft: Record<K, string>;
  errors: Partial<Record<K, string>>;
  limits: (key: K) => NumberLimits;
  /** Whether the field holds an edit not saved yet. */
  edited: (key: K) => boolean;
  onChange: (key: K, value: string) => void;
}

/** Number settings, one labelled field each, with the unit after the input; whole numbers step by 1, others by 0.5. */
export function NumberSettings<K extends SettingKey>({ fields, state, draft, errors, limits, edited, onChange }: NumberSettingsProps<K>) {
  return fields.map(({ key, label, description }) => {
    const id = `setting-${key}`;
    const { min, max, integer, unit } = limits(key);
    return (
      <Field
        key={key}
        id={id}
        label={label}
        description={description}
        source={<SourceLabel field={key} source={state.sources[key]} edited={edited(key)} />}
        error={errors[key]}
      >
        <span className="input-with-unit">
          <input
            id={id}
            data-testid={id}
            className="input input-number"
            type="number"
            inputMode={integer ? 'numeric' : 'decimal'}
            min={min}
            max={max}
            step={integer ? 1 : 0.5}
            value={draft[key]}
            aria-invalid={Boolean(errors[key])}
            aria-describedby={describedBy(id, errors[key])}
            onChange={(event) => onChange(key, event.target.value)}
          />
          <span className="unit">{unit}</span>
        </span>
      </Field>
    );
  });
}
