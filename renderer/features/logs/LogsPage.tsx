import { runningModels } from '../../../shared/on-demand';
import { LIVE } from '../../../shared/provider';
import { useOnDemandModels } from '../../api/gateway-hooks';
import { useProviders } from '../../api/provider-hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageIcon } from '../../components/icons';
import { Page } from '../../components/Page';
import { hashFor, useUi } from '../../state/ui';
import { LogPanel } from '../../components/log-panel/LogPanel';
import './logs.css';

/** Pick a provider (kept in the URL as `#/logs/<id>`), then its live log. */
export function LogsPage() {
  const providerId = useUi((state) => state.providerId);
  const { data, error } = useProviders();
  const { data: onDemand } = useOnDemandModels();
  // Providers that never ran have no log; keep the selected one listed whatever its status.
  const choices = (data?.providers ?? []).filter((p) => p.state.status !== 'not-installed' || p.id === providerId);
  // Models the gateway loaded on demand log as instances of their own (`engine~<model>`).
  const loaded = runningModels(onDemand?.models);
  const instances = loaded.map((m) => ({ id: m.instanceId, label: `${m.id}, loaded on demand (${m.state})` }));
  const listed = new Set([...choices.map((p) => p.id), ...instances.map((i) => i.id)]);
  // With nothing picked, what runs now is one click away.
  const running = [
    ...choices.filter((p) => LIVE.includes(p.state.status)).map((p) => ({ id: p.id, label: p.name })),
    ...loaded.map((m) => ({ id: m.instanceId, label: `${m.id} (on demand)` })),
  ];

  const picker = (
    <label className="toolbar-filter">
      <span className="muted">Provider</span>
      <select
        className="input select"
        data-testid="logs-provider-select"
        value={providerId ?? ''}
        onChange={(event) => {
          location.hash = event.target.value ? hashFor('logs', event.target.value) : hashFor('logs');
        }}
      >
        <option value="">Choose a provider…</option>
        {choices.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.state.status})
          </option>
        ))}
        {instances.map((i) => (
          <option key={i.id} value={i.id}>
            {i.label}
          </option>
        ))}
        {/* An instance unloaded since it was picked: its log stays readable. */}
        {providerId && data && !listed.has(providerId) && <option value={providerId}>{providerId}</option>}
      </select>
    </label>
  );

  return (
    <Page id="logs" title="Logs" subtitle="What your providers print, live." actions={picker}>
      {error && !data && <ErrorNotice error={error} title="Could not load the providers" />}
      {providerId ? (
        <section className="card log-card">
          <LogPanel key={providerId} providerId={providerId} />
        </section>
      ) : (
        <EmptyState icon={<PageIcon page="logs" size={32} />} title="Choose a provider">
          Pick one above to follow its output live, filter it, or search its whole history on disk.
          {running.length > 0 && (
            <span className="logs-running" data-testid="logs-running">
              Running now:{' '}
              {running.map((r, i) => (
                <span key={r.id}>
                  {i > 0 && ', '}
                  <a href={hashFor('logs', r.id)}>{r.label}</a>
                </span>
              ))}
            </span>
          )}
        </EmptyState>
      )}
    </Page>
  );
}
