interface DownloadInputProps {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  error?: string;
  className?: string;
  onChange(value: string): void;
  onBlur(): void;
}

/** A labelled text input with its problem under it; `id` doubles as the test id. */
export function DownloadInput({ id, label, placeholder, value, error, className, onChange, onBlur }: DownloadInputProps) {
  return (
    <div className={`download-field${className ? ` ${className}` : ''}`}>
      <label className="fact-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input download-input"
        data-testid={id}
        type="text"
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
