import type { ReactNode } from 'react';
import type { ProviderSummary } from '../../../shared/provider';
import { isLive } from './status';
import { Uptime } from './Uptime';

/** Port, PID, uptime and restarts: the numbers someone debugging a provider asks for first. */
export function ProviderFacts({ provider }: { provider: ProviderSummary }) {
  const { state } = provider;
  const live = isLive(state.status);
  return (
    <dl className="fact-strip provider-facts">
      <Fact label="Port" testId="provider-port">
        {live && state.port ? (
          <span className="mono">{state.port}</span>
        ) : (
          <span className="muted fact-default">default {provider.defaultPort}</span>
        )}
      </Fact>
      <Fact label="PID" testId="provider-pid">
        {live && state.pid ? <span className="mono">{state.pid}</span> : <span className="muted">—</span>}
      </Fact>
      <Fact label="Uptime" testId="provider-uptime">
        {live && state.startedAt ? <Uptime startedAt={state.startedAt} /> : <span className="muted">—</span>}
      </Fact>
      <Fact label="Restarts" testId="provider-restarts">
        <span className={state.restarts > 0 ? 'restarts-nonzero' : undefined}>{state.restarts}</span>
      </Fact>
    </dl>
  );
}

function Fact({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
