import type { HubFitHint } from '../../../shared/hub';
import { fitWords } from './fit-words';

/** Whether a model fits this machine, in words and colour; "size unknown" while the hub has not said. */
export function FitBadge({ fit, size }: { fit?: HubFitHint; size?: number }) {
  if (!fit)
    return (
      <span className="status-badge tone-muted" data-testid="fit-badge" data-fit="unknown" title="The size is not known yet">
        Size unknown
      </span>
    );
  const words = fitWords(fit, size);
  return (
    <span className={`status-badge tone-${words.tone}`} data-testid="fit-badge" data-fit={fit} title={words.title}>
      <span className="status-badge-dot" aria-hidden="true" />
      {words.label}
    </span>
  );
}
