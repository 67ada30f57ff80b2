import type { HubFileChoice } from '../../../shared/hub';
import { formatBytes } from '../../../shared/format-bytes';
import { FitBadge } from './FitBadge';
import { PullButton } from './PullButton';

/** One quantisation (or split set) of a repository: its size, whether it fits, and Download. */
export function RepoChoiceRow({ repo, choice, recommended }: { repo: string; choice: HubFileChoice; recommended: boolean }) {
  return (
    <li className="repo-choice" data-testid={`hub-choice-${choice.name}`}>
      <span className="repo-choice-quant">{choice.quant ?? 'GGUF'}</span>
      <span className="repo-choice-name mono" title={choice.name}>
        {choice.name}
        {choice.parts.length > 1 && <span className="muted"> + {choice.parts.length - 1} more parts</span>}
      </span>
      <span className="repo-choice-size">{formatBytes(choice.size)}</span>
      <span className="repo-choice-badges">
        <FitBadge fit={choice.fit} size={choice.size} />
        {recommended && (
          <span className="chip chip-accent" data-testid="hub-choice-recommended" title="Q4_K_M when it fits, else the best that does">
            Recommended
          </span>
        )}
      </span>
      <PullButton repo={repo} pick={choice.name} primary={recommended} />
    </li>
  );
}
