import type { HubStarter } from '../../../shared/hub';
import { formatBytes } from '../../../shared/format-bytes';
import { FitBadge } from './FitBadge';
import { PullButton } from './PullButton';

/** One starter model: what it is good for, its size and licence, whether it fits, and one click to get it. */
export function StarterCard({ starter }: { starter: HubStarter }) {
  return (
    <article className={`starter-card${starter.recommended ? ' starter-recommended' : ''}`} data-testid={`starter-${starter.id}`}>
      <header className="starter-card-header">
        <h4>{starter.name}</h4>
        {starter.recommended && (
          <span className="chip chip-accent" data-testid="starter-recommended" title="The best chat model that fits this machine">
            Recommended
          </span>
        )}
      </header>
      <p className="starter-good-for">{starter.goodFor}</p>
      <div className="starter-facts">
        <span className="chip">{starter.kind === 'chat' ? 'Chat' : 'Embeddings'}</span>
        <span data-testid="starter-size">{starter.size !== undefined ? formatBytes(starter.size) : 'size unknown'}</span>
        <a href={starter.pageUrl} target="_blank" rel="noreferrer" className="muted" title={`${starter.repo}/${starter.file}`}>
          {starter.license}
        </a>
      </div>
      <footer className="starter-card-footer">
        <FitBadge fit={starter.fit} size={starter.size} />
        <PullButton repo={starter.repo} pick={starter.file} primary={starter.recommended} />
      </footer>
    </article>
  );
}
