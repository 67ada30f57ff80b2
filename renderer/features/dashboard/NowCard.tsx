import { runningModels } from '../../../shared/on-demand';
import { LIVE } from '../../../shared/provider';
import { useGatewayStatus, useOnDemandModels } from '../../api/gateway-hooks';
import { useModels } from '../../api/model-hooks';
import { useProviders } from '../../api/provider-hooks';
import { CopyTextButton } from '../../components/CopyTextButton';
import { Fact } from '../../components/Fact';
import { StatusBadge } from '../../components/StatusBadge';
import { hashFor } from '../../state/ui';

/**
 * What is at work now and where to point a client: the first thing a returning user looks for,
 * and for a newcomer the one next step (a model, then a chat).
 */
export function NowCard() {
  const providers = useProviders();
  const gateway = useGatewayStatus();
  const onDemand = useOnDemandModels();
  const models = useModels();
  const live = (providers.data?.providers ?? []).filter((p) => LIVE.includes(p.state.status));
  const loaded = runningModels(onDemand.data?.models);
  const modelFiles = models.data?.models;
  const servedModels = gateway.data?.routes.length ?? 0;
  return (
    <article className="card now-card" data-testid="now-card">
      <header className="card-header">
        <h2>Now</h2>
      </header>
      <div className="facts">
        <Fact label="Providers running" testId="now-providers">
          {live.length === 0 ? (
            <span>
              None started. <a href={hashFor('providers')}>Providers</a>
            </span>
          ) : (
            <ul className="now-list">
              {live.map((p) => (
                <li key={p.id}>
                  <a href={hashFor('providers', p.id)}>{p.name}</a>
                  <StatusBadge status={p.state.status} title={p.state.reason} />
                </li>
              ))}
            </ul>
          )}
          {loaded.length > 0 && (
            <span className="fact-sub" data-testid="now-on-demand">
              Loaded on demand: {loaded.map((m) => m.id).join(', ')}
            </span>
          )}
        </Fact>
        <Fact label="Gateway" testId="now-gateway">
          {gateway.data?.url ? (
            <>
              <span className="now-url">
                <code className="mono">{gateway.data.url}</code>
                <CopyTextButton text={gateway.data.url} what="the gateway's URL" />
              </span>
              <span className="fact-sub">
                {servedModels === 1 ? '1 model served' : `${servedModels} models served`}
                {onDemand.data?.settings.enabled ? `, ${onDemand.data.models.length} loadable on demand` : ''}
              </span>
            </>
          ) : (
            <span>
              Not listening{gateway.data?.error ? `: ${gateway.data.error.message}` : ''} <a href={hashFor('gateway')}>Gateway</a>
            </span>
          )}
        </Fact>
        <Fact label="Models" testId="now-models">
          {modelFiles === undefined ? (
            <span className="fact-sub">Reading…</span>
          ) : modelFiles.length === 0 ? (
            <span>
              None yet. <a href={hashFor('models')}>Get a model</a> (starter models are one click).
            </span>
          ) : (
            <>
              <span>{modelFiles.length === 1 ? '1 GGUF file' : `${modelFiles.length} GGUF files`}</span>
              <span className="fact-sub">
                <a href={hashFor('chat')}>Chat with one</a>: it loads when asked.
              </span>
            </>
          )}
        </Fact>
      </div>
    </article>
  );
}
