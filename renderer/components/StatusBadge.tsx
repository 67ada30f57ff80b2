import type { ProviderStatus } from '../../shared/provider';
import { STATUS_LABEL, STATUS_TONE } from './status-tone';

/** Status as colour and words, never colour alone. */
export function StatusBadge({ status, title }: { status: ProviderStatus; title?: string }) {
  const tone = STATUS_TONE[status];
  return (
    <span className={`status-badge tone-${tone}`} data-testid="provider-status" data-status={status} title={title}>
      <span className="status-badge-dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}
