import { useState, type FormEvent } from 'react';
import { useStartDownload } from '../../api/download-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { checkDownload, fileNameFromUrl, toDownloadRequest, type DownloadDraft, type DownloadField } from './download-checks';
import { DownloadInput } from './DownloadInput';

const EMPTY: DownloadDraft = { url: '', file: '', sha256: '' };

/** The form's inputs in order; the file name's placeholder (none here) is the name the URL gives. */
const FIELDS: { field: DownloadField; label: string; placeholder?: string; className?: string }[] = [
  { field: 'url', label: 'URL', placeholder: 'https://huggingface.co/…/resolve/main/model.Q4_K_M.gguf', className: 'download-field-url' },
  { field: 'file', label: 'File name (optional)' },
  { field: 'sha256', label: 'SHA-256 (optional)', placeholder: '64 hex characters, checked when the download ends' },
];

/** Starts a download into the models folder; the host's schema checks are repeated here first. */
export function DownloadForm() {
  const start = useStartDownload();
  const [draft, setDraft] = useState<DownloadDraft>(EMPTY);
  // A field's problem shows once the user has left it, or for every field after a submit.
  const [touched, setTouched] = useState<ReadonlySet<DownloadField>>(new Set());
  const [submitted, setSubmitted] = useState(false);

  const problems = checkDownload(draft);
  const shown = (field: DownloadField) => (submitted || touched.has(field) ? problems[field] : undefined);
  const derivedName = fileNameFromUrl(draft.url);

  const change = (field: DownloadField) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const blur = (field: DownloadField) => () => setTouched((t) => new Set(t).add(field));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(problems).length > 0) return;
    start.mutate(toDownloadRequest(draft), {
      onSuccess: () => {
        setDraft(EMPTY);
        setTouched(new Set());
        setSubmitted(false);
      },
    });
  };

  return (
    <form className="card download-form" data-testid="download-form" onSubmit={submit} noValidate>
      <div className="section-header">
        <h3>Download a model</h3>
      </div>
      <div className="download-fields">
        {FIELDS.map(({ field, label, placeholder, className }) => (
          <DownloadInput
            key={field}
            id={`download-${field}`}
            label={label}
            className={className}
            placeholder={placeholder ?? (derivedName || 'taken from the URL')}
            value={draft[field]}
            error={shown(field)}
            onChange={change(field)}
            onBlur={blur(field)}
          />
        ))}
      </div>
      <div className="download-form-footer">
        <p className="muted download-form-hint">Downloads resume where they stopped; the file appears in the list once it is whole.</p>
        <button type="submit" className="button button-primary" data-testid="download-start" disabled={start.isPending}>
          {start.isPending ? 'Starting…' : 'Download'}
        </button>
      </div>
      {start.error && <ErrorNotice error={start.error} title="Could not start the download" testId="download-error" />}
    </form>
  );
}
