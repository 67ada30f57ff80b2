import type { HubFitHint } from '../../../shared/hub';
import type { StatusTone } from '../../components/status-tone';

const TONE: Record<HubFitHint, StatusTone> = { 'fits on the GPU': 'ok', 'CPU only, slow': 'warn', 'too big': 'bad' };
const LABEL: Record<HubFitHint, string> = {
  'fits on the GPU': 'Fits on the GPU',
  'CPU only, slow': 'CPU only, slow',
  'too big': 'Too big',
};
const TITLE: Record<HubFitHint, string> = {
  'fits on the GPU': 'Fits in the GPU memory with room for the context: fast.',
  'CPU only, slow': 'Too big for the GPU (or there is none) but fits in free RAM: it runs, slowly.',
  'too big': 'More than the free GPU memory and RAM, with room for the context.',
};

/** Whether a model fits this machine, in words and colour; "size unknown" while the hub has not said. */
export function FitBadge({ fit }: { fit?: HubFitHint }) {
  if (!fit)
    return (
      <span className="status-badge tone-muted" data-testid="fit-badge" data-fit="unknown" title="The size is not known yet">
        Size unknown
      </span>
    );
  return (
    <span className={`status-badge tone-${TONE[fit]}`} data-testid="fit-badge" data-fit={fit} title={TITLE[fit]}>
      <span className="status-badge-dot" aria-hidden="true" />
      {LABEL[fit]}
    </span>
  );
}
