import type { ExternalFacts } from '../../../shared/provider';
import { CopyTextButton } from '../../components/CopyTextButton';

const CONFIDENCE_NOTE = {
  strong: undefined,
  weak: 'Recognised by signals other servers share, so it may be something else.',
  port: 'Recognised by its port only: it answers nothing without a key.',
} as const;

/** Where a provider this app did not start runs, and what it said: the gateway can use it; only its owner can stop it. */
export function ExternalNote({ external }: { external: ExternalFacts }) {
  const confidence = external.confidence ? CONFIDENCE_NOTE[external.confidence] : undefined;
  return (
    <div className="external-note" data-testid="provider-external">
      <p className="external-url">
        Running outside this app at{' '}
        <code className="mono" data-testid="provider-external-url">
          {external.baseUrl}
        </code>
        <CopyTextButton text={external.baseUrl} what="the server address" />
      </p>
      {external.version && (
        <p className="muted" data-testid="provider-external-version">
          Version <span className="mono">{external.version}</span>
        </p>
      )}
      {external.lockedStatus && (
        <p className="field-note-warning" data-testid="provider-locked">
          Locked ({external.lockedStatus}): {external.keyRefused ? 'the key was refused.' : 'it runs, but its API needs a key.'}
        </p>
      )}
      {external.withKey && (
        <p className="muted" data-testid="provider-with-key">
          Answers with the key saved for it.
        </p>
      )}
      {confidence && <p className="muted external-confidence">{confidence}</p>}
      {external.others > 0 && (
        <p className="muted">
          {external.others === 1 ? 'One more server' : `${external.others} more servers`} of this kind found: see Servers found.
        </p>
      )}
    </div>
  );
}
