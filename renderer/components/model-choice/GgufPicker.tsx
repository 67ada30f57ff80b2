import { useModels } from '../../api/model-hooks';

interface GgufPickerProps {
  id: string;
  value: string;
  onChange(file: string): void;
  /** What the empty choice means: the engine takes the first file of the folder; others need one. */
  emptyLabel?: string;
}

/** A GGUF from the models folder, or one another app keeps (stored as its absolute path, used in place). */
export function GgufPicker({ id, value, onChange, emptyLabel }: GgufPickerProps) {
  const { data } = useModels();
  const usable = (data?.models ?? []).filter((m) => !m.error);
  const files = usable.map((m) => m.file);
  const ours = usable.filter((m) => !m.origin || m.origin === 'models folder');
  const theirs = usable.filter((m) => m.origin && m.origin !== 'models folder');
  const known = value === '' || files.includes(value);
  return (
    <select id={id} className="input mono" data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{emptyLabel ?? (files.length ? '(default)' : '(no GGUF files in the models folder)')}</option>
      {!known && <option value={value}>{value} (missing)</option>}
      {ours.map(({ file }) => (
        <option key={file} value={file}>
          {file}
        </option>
      ))}
      {theirs.length > 0 && (
        <optgroup label="On this machine, used in place">
          {theirs.map((m) => (
            <option key={m.file} value={m.file} title={m.path}>
              {`${m.originalName ?? m.file} (${m.origin})`}
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}
