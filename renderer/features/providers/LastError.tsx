import type { ProviderError } from '../../../shared/provider';

/** The provider's last failure as the host explained it, with the log lines that show why. */
export function LastError({ error }: { error: ProviderError }) {
  const tail = error.logTail ?? [];
  return (
    <div className="notice notice-error provider-error" role="alert" data-testid="provider-error">
      <p className="notice-message">{error.message}</p>
      {error.hint && <p className="notice-hint">{error.hint}</p>}
      {tail.length > 0 && (
        <details className="error-tail">
          <summary>Last {tail.length === 1 ? 'log line' : `${tail.length} log lines`}</summary>
          <pre className="error-tail-lines">{tail.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
