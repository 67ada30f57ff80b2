import { useId, useState, type FormEvent } from 'react';
import { keyName, type KeyTarget } from '../../../shared/upstream-keys';
import { useKeyAction, useKeys } from '../../api/key-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import '../../components/modal.css';

interface KeyDialogProps {
  target: KeyTarget;
  /** What the key is for, as the user knows it: "TabbyAPI", "192.168.1.20:8000". */
  name: string;
  onClose(): void;
}

/**
 * Asks for the API key of a locked server. The key goes to the host once and never comes back:
 * the dialog knows only its last four characters. Saving probes the server again at once.
 */
export function KeyDialog({ target, name, onClose }: KeyDialogProps) {
  const titleId = useId();
  const inputId = useId();
  const [key, setKey] = useState('');
  const { data: status } = useKeys();
  const action = useKeyAction();
  const saved = status?.keys.find((k) => k.source === 'saved' && keyName(k.target) === keyName(target));
  const where =
    status?.storage === 'keychain' ? 'encrypted with the OS keychain' : 'in a file in the base directory that only your user can read';

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim() || action.isPending) return;
    action.mutate({ kind: 'set', target, key }, { onSuccess: onClose });
  };

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && !action.isPending && onClose()}>
      <form
        className="modal modal-small"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="key-dialog"
        onSubmit={save}
        noValidate
      >
        <h2 id={titleId}>API key for {name}</h2>
        <p>
          Its API answers only with a key. Paste the key it was started with (vLLM’s <code>--api-key</code>, the key in LM Studio’s or Jan’s
          server settings, <code>api_key</code> in TabbyAPI’s <code>api_tokens.yml</code>). It is sent only to this server, as{' '}
          <code>Authorization: Bearer</code>.
        </p>
        <label className="field-label" htmlFor={inputId}>
          Key
        </label>
        <input
          id={inputId}
          className="input input-wide mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={key}
          onChange={(event) => setKey(event.target.value)}
          data-testid="key-input"
        />
        <p className="muted key-storage" data-testid="key-storage">
          {saved ? `A key ending in …${saved.last4 || '(short)'} is saved. ` : ''}Kept {where}, never in settings.json.
        </p>
        {status?.notes.map((note) => (
          <p key={note} className="field-note-warning">
            {note}
          </p>
        ))}
        {action.error && <ErrorNotice error={action.error} title="Could not save the key" testId="key-error" />}
        <div className="modal-actions">
          {saved && (
            <button
              type="button"
              className="button button-ghost"
              disabled={action.isPending}
              onClick={() => action.mutate({ kind: 'remove', target }, { onSuccess: onClose })}
              data-testid="key-remove"
            >
              Remove key
            </button>
          )}
          <button type="button" className="button button-secondary" onClick={onClose} disabled={action.isPending} data-testid="key-cancel">
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!key.trim() || action.isPending} data-testid="key-save">
            {action.isPending ? 'Checking…' : 'Save and try it'}
          </button>
        </div>
      </form>
    </div>
  );
}

/** "Add key" (or "Change key" once one is saved) and the dialog it opens. */
export function KeyButton({ target, name, testId = 'provider-add-key' }: { target: KeyTarget; name: string; testId?: string }) {
  const [open, setOpen] = useState(false);
  const { data: status } = useKeys();
  const saved = status?.keys.some((k) => k.source === 'saved' && keyName(k.target) === keyName(target));
  return (
    <>
      <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)} data-testid={testId}>
        {saved ? 'Change key' : 'Add key'}
      </button>
      {open && <KeyDialog target={target} name={name} onClose={() => setOpen(false)} />}
    </>
  );
}
