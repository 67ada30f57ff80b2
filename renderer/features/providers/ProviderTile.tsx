import type { ProviderSummary } from '../../../shared/provider';
import { hashFor } from '../../state/ui';
import { UsageSparkline } from '../../components/UsageSparkline';
import { ExternalNote } from './ExternalNote';
import { KeyButton } from './KeyDialog';
import { LastError } from './LastError';
import { ModelList } from './ModelList';
import { OnDemandNote } from './OnDemandNote';
import { ProviderButtons } from './ProviderButtons';
import { ProviderFacts } from './ProviderFacts';
import { STATUS_TONE } from '../../components/status-tone';
import { isLive, reasonWorthShowing } from './status';
import { StatusBadge } from '../../components/StatusBadge';

export function ProviderTile({ provider }: { provider: ProviderSummary }) {
  const { state } = provider;
  const reason = reasonWorthShowing(state);
  // Ours locked shows only while it runs; an external one for as long as discovery finds it.
  const ownLock = isLive(state.status) && state.status !== 'external' ? state.locked : undefined;
  const wantsKey = Boolean(ownLock || state.external?.lockedStatus || state.external?.withKey);
  return (
    <article
      className={`card tile tone-${STATUS_TONE[state.status]}`}
      data-testid={`provider-tile-${provider.id}`}
      data-status={state.status}
      aria-labelledby={`tile-title-${provider.id}`}
    >
      <header className="tile-header">
        <h2 id={`tile-title-${provider.id}`} className="tile-title">
          <a href={hashFor('providers', provider.id)} data-testid="provider-open">
            {provider.name}
          </a>
        </h2>
        <StatusBadge status={state.status} title={state.reason} />
      </header>
      <p className="tile-description" title={provider.description}>
        {provider.description}
      </p>
      <div className="tile-tags">
        <span className="chip">{provider.api} API</span>
        {provider.origin === 'user' && <span className="chip chip-accent">custom recipe</span>}
      </div>
      <ProviderFacts provider={provider} />
      {state.status === 'external' && state.external && <ExternalNote external={state.external} />}
      {ownLock && (
        <p className="field-note-warning" data-testid="provider-locked">
          Locked ({ownLock.status}): {ownLock.keyRefused ? 'the key was refused.' : 'its API needs a key.'}
        </p>
      )}
      {wantsKey && (
        <div className="tile-key">
          <KeyButton target={{ provider: provider.id }} name={provider.name} />
        </div>
      )}
      {isLive(state.status) && state.status !== 'external' && <UsageSparkline id={provider.id} />}
      {reason && <p className="tile-reason">{reason}</p>}
      {state.models && <ModelList models={state.models} />}
      <OnDemandNote providerId={provider.id} />
      {state.lastError && <LastError error={state.lastError} />}
      <footer className="tile-footer">
        <ProviderButtons provider={provider} />
      </footer>
    </article>
  );
}
