import type { ReactNode } from 'react';

interface FieldProps {
  id: string;
  label: string;
  description: string;
  source: ReactNode;
  error?: string;
  children: ReactNode;
  notes?: ReactNode;
}

/** One labelled row: label and help on the left, control, source, notes and error on the right. */
export function Field({ id, label, description, source, error, children, notes }: FieldProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        <p className="field-description" id={`${id}-description`}>
          {description}
        </p>
      </div>
      <div className="field-control">
        <div className="field-input-row">
          {children}
          {source}
        </div>
        {notes}
        {error && (
          <p className="field-error" id={`${id}-error`} role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
