import type { ProviderDetail } from '../../../../shared/provider';
import { LastError } from '../LastError';
import { ModelList } from '../ModelList';
import { ProviderButtons } from '../ProviderButtons';
import { ProviderFacts } from '../ProviderFacts';
import { STATUS_TONE } from '../../../components/status-tone';
import { reasonWorthShowing } from '../status';
import { StatusBadge } from '../../../components/StatusBadge';

/** Live status, numbers and actions at the top of a provider's page. */
export function DetailHeader({ provider }: { provider: ProviderDetail }) {
  const { state, compatibility } = provider;
  const reason = reasonWorthShowing(state);
  return (
    <article className={`card tile detail-header tone-${STATUS_TONE[state.status]}`} data-status={state.status}>
      <header className="tile-header">
        <StatusBadge status={state.status} />
        {reason && <span className="tile-reason">{reason}</span>}
      </header>
      <ProviderFacts provider={provider} />
      {state.models && state.models.length > 0 && <ModelList models={state.models} limit={50} />}
      {compatibility.warnings.length > 0 && (
        <ul className="compat-warnings" data-testid="provider-warnings">
          {compatibility.warnings.map((warning) => (
            <li key={warning}>⚠ {warning}</li>
          ))}
        </ul>
      )}
      {state.lastError && <LastError error={state.lastError} />}
      <ProviderButtons provider={provider} showLogs={false} />
    </article>
  );
}
