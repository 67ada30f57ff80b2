import type { ProviderSummary } from '../../../../shared/provider';
import { useGatewayStatus } from '../../../api/gateway-hooks';
import { useSettings } from '../../../api/hooks';
import { useProviderAction } from '../../../api/provider-hooks';
import { ActionButton } from '../../../components/ActionButton';
import { CopyTextButton } from '../../../components/CopyTextButton';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { ModelNeeded } from '../../../components/model-choice/ModelNeeded';

interface FinishStepProps {
  providers: ProviderSummary[];
  selected: string[];
  /** Marks the wizard done: leaving it for the chat ends it as Done does. */
  onDone(): void;
}

/** Step 6: start what was installed, chat with the first model, and where to point OpenAI clients. */
export function FinishStep({ providers, selected, onDone }: FinishStepProps) {
  const gateway = useGatewayStatus();
  const ready = providers.filter((p) => selected.includes(p.id) && !['not-installed', 'installing'].includes(p.state.status));
  const engine = providers.find((p) => p.id === 'engine');
  return (
    <div className="wizard-step" data-testid="wizard-finish">
      {engine && <EngineLine engine={engine} onDone={onDone} />}
      {ready.length === 0 ? (
        <p className="muted">Nothing new was installed.</p>
      ) : (
        <ul className="wizard-finish-list">
          {ready.map((p) => (
            <FinishRow key={p.id} provider={p} />
          ))}
        </ul>
      )}
      <section className="card">
        <h3>One endpoint for every OpenAI client</h3>
        {gateway.data?.url ? (
          <p className="wizard-endpoint">
            <code data-testid="wizard-endpoint">{gateway.data.url}</code> <CopyTextButton text={gateway.data.url} what="the endpoint URL" />
          </p>
        ) : gateway.data?.enabled && gateway.data.error ? (
          <p className="muted" data-testid="wizard-endpoint-problem">
            {gateway.data.error.message} {gateway.data.error.hint}
          </p>
        ) : (
          <p className="muted">
            The gateway is off; turn it on on the <a href="#/gateway">Gateway page</a>.
          </p>
        )}
      </section>
    </div>
  );
}

/** Ready only when it has a model: else the same "Choose model" its tile offers. */
function EngineLine({ engine, onDone }: { engine: ProviderSummary; onDone(): void }) {
  const settings = useSettings();
  const onDemand = settings.data?.values.gateway.onDemand.enabled ?? true;
  if (engine.modelNeed && !['running', 'starting'].includes(engine.state.status)) {
    return (
      <div data-testid="wizard-engine-needs-model">
        <p className="lead">The built-in engine has no model yet, so there is nothing to chat with.</p>
        <ModelNeeded provider={engine} need={engine.modelNeed} />
      </div>
    );
  }
  return (
    <p className="lead" data-testid="wizard-engine-ready">
      The built-in engine is ready.{' '}
      <a href="#/chat" data-testid="wizard-chat" onClick={onDone}>
        Chat with your model
      </a>
      {onDemand ? ': it loads when you ask.' : ' once you start the engine on the Providers page (load on demand is off).'}
    </p>
  );
}

function FinishRow({ provider }: { provider: ProviderSummary }) {
  const action = useProviderAction();
  const { status } = provider.state;
  const running = status === 'running' || status === 'starting';
  return (
    <li className="wizard-finish-row" data-testid={`wizard-finish-${provider.id}`} data-status={status}>
      <strong>{provider.name}</strong> <span className={`chip status-${status}`}>{status}</span>
      {provider.state.port && <span className="mono muted"> http://127.0.0.1:{provider.state.port}</span>}
      {!running && provider.modelNeed && <ModelNeeded provider={provider} need={provider.modelNeed} />}
      {!running && !provider.modelNeed && (
        <ActionButton
          variant="primary"
          small
          testId="wizard-start"
          disabled={action.isPending}
          onClick={() => action.mutate({ id: provider.id, action: 'start' })}
        >
          {action.isPending ? 'Starting…' : 'Start'}
        </ActionButton>
      )}
      {action.error && <ErrorNotice error={action.error} title={`Could not start ${provider.name}`} />}
    </li>
  );
}
