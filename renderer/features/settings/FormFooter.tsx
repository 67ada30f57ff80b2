import type { UseMutationResult } from '@tanstack/react-query';
import { ErrorNotice } from '../../components/ErrorNotice';

interface FormFooterProps {
  update: Pick<UseMutationResult<unknown, Error, never>, 'isPending' | 'isSuccess' | 'isError' | 'isIdle' | 'error'>;
  dirty: boolean;
  invalid: boolean;
  canDiscard: boolean;
  onDiscard(): void;
  /** `<prefix>-status` and `<prefix>-save`. */
  testIdPrefix: string;
}

/** Save state and the Discard/Save buttons of a settings form. */
export function FormFooter({ update, dirty, invalid, canDiscard, onDiscard, testIdPrefix }: FormFooterProps) {
  return (
    <footer className="form-footer">
      <div className="form-status" data-testid={`${testIdPrefix}-status`} role="status" aria-live="polite">
        {update.isPending && <span className="muted">Saving…</span>}
        {update.isSuccess && <span className="status-ok">✓ Saved</span>}
        {/* Only success may contain the word "saved": tests match it case-insensitively. */}
        {update.isError && <ErrorNotice error={update.error} title="Could not save the settings" />}
        {update.isIdle && dirty && <span className="muted">Changes pending — click Save to apply</span>}
      </div>
      <div className="form-actions">
        {canDiscard && (
          <button type="button" className="button button-ghost" onClick={onDiscard} disabled={update.isPending}>
            Discard
          </button>
        )}
        <button
          type="submit"
          className="button button-primary"
          data-testid={`${testIdPrefix}-save`}
          disabled={!dirty || invalid || update.isPending}
        >
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </footer>
  );
}
