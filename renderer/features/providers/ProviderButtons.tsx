import { useProviderAction, type ProviderAction } from '../../api/provider-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { ProviderSummary } from '../../../shared/provider';
import { hashFor } from '../../state/ui';
import { useStartInstall } from '../../api/install-hooks';
import { tileActions } from './status';
import { useRecipeConfirmation } from './use-recipe-confirmation';
import { ModelNeeded } from '../../components/model-choice/ModelNeeded';

const PENDING_LABEL: Record<ProviderAction, string> = { start: 'Starting…', stop: 'Stopping…', restart: 'Restarting…' };

interface ProviderButtonsProps {
  provider: ProviderSummary;
  /** The detail page shows the log itself, so it leaves the Logs link out. */
  showLogs?: boolean;
}

/** Start / Stop / Restart / Logs as the status allows, or why not; a failed action's error stays beside them. */
export function ProviderButtons({ provider, showLogs = true }: ProviderButtonsProps) {
  const action = useProviderAction();
  const confirmation = useRecipeConfirmation();
  const offered = tileActions(provider);
  const { status } = provider.state;
  const pendingAction = action.isPending ? action.variables.action : undefined;
  // Starting a custom recipe asks first to confirm its commands (stopping never does).
  const run = (name: ProviderAction) =>
    name === 'stop'
      ? action.mutate({ id: provider.id, action: name })
      : confirmation.guard(provider, 'start', () => action.mutate({ id: provider.id, action: name }));
  const button = (name: ProviderAction, label: string, style: string) => (
    <button
      type="button"
      className={`button ${style}`}
      data-testid={`provider-${name}`}
      disabled={action.isPending || confirmation.checking}
      onClick={() => run(name)}
    >
      {pendingAction === name ? PENDING_LABEL[name] : label}
    </button>
  );

  return (
    <div className="provider-actions-block">
      {offered.incompatible && <Incompatible reasons={provider.compatibility.reasons} />}
      {status === 'not-installed' && !offered.incompatible && <NotInstalled provider={provider} />}
      {offered.start && provider.modelNeed && <ModelNeeded provider={provider} need={provider.modelNeed} />}
      <div className="provider-actions">
        {offered.start && !provider.modelNeed && button('start', 'Start', 'button-primary')}
        {offered.stop && button('stop', 'Stop', 'button-secondary')}
        {offered.restart && button('restart', 'Restart', 'button-secondary')}
        {/* Only providers we run have a log of ours. */}
        {showLogs && status !== 'not-installed' && status !== 'external' && (
          <a className="button button-ghost" href={hashFor('logs', provider.id)} data-testid="provider-logs">
            Logs
          </a>
        )}
      </div>
      {action.error && (
        <ErrorNotice error={action.error} title={`Could not ${action.variables?.action ?? 'do that'}`} testId="provider-action-error" />
      )}
      {Boolean(confirmation.error) && (
        <ErrorNotice error={confirmation.error} title="Could not read its commands" testId="provider-commands-error" />
      )}
      {confirmation.dialog}
    </div>
  );
}

function Incompatible({ reasons }: { reasons: string[] }) {
  return (
    <div className="incompatible" data-testid="provider-incompatible">
      <strong>Cannot run on this machine</strong>
      <ul>
        {(reasons.length > 0 ? reasons : ['This machine does not meet its requirements.']).map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </div>
  );
}

/** Install right here (progress shows on the tile and the Install page), or where to get a desktop app. */
function NotInstalled({ provider }: { provider: ProviderSummary }) {
  const install = useStartInstall();
  const confirmation = useRecipeConfirmation();
  if (provider.installStrategy === 'external') {
    return (
      <p className="not-installed">
        Not found on this machine —{' '}
        <a href={provider.downloadUrl} target="_blank" rel="noreferrer" data-testid="provider-download-link">
          get it
        </a>
      </p>
    );
  }
  return (
    <div className="not-installed">
      <span>Not installed</span>
      <button
        type="button"
        className="button button-primary button-small"
        data-testid="provider-install"
        disabled={install.isPending || confirmation.checking}
        onClick={() => confirmation.guard(provider, 'install', () => install.mutate([provider.id]))}
      >
        Install
      </button>
      <a href={hashFor('install')} data-testid="provider-install-link">
        progress and log
      </a>
      {install.error && <ErrorNotice error={install.error} title="Could not start the install" testId="provider-install-error" />}
      {Boolean(confirmation.error) && (
        <ErrorNotice error={confirmation.error} title="Could not read its commands" testId="provider-commands-error" />
      )}
      {confirmation.dialog}
    </div>
  );
}
