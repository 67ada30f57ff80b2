import { useState, type FormEvent } from 'react';
import { normalizeEndpoint, type DiscoveredServer, type DiscoveryResults } from '../../../shared/discovery';
import type { ProviderSummary } from '../../../shared/provider';
import { useDiscovery, useDiscoveryAction } from '../../api/discovery-hooks';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { KeyButton } from './KeyDialog';
import { ModelList } from './ModelList';

/**
 * Scan now, the endpoints to probe besides this machine's default ports, and the servers found
 * that no tile shows: unknown OpenAI-compatible ones, locked ones, runners inside other apps,
 * second instances.
 */
export function DiscoveryPanel({ providers }: { providers: ProviderSummary[] }) {
  const { data } = useDiscovery();
  const action = useDiscoveryAction();
  const [endpoint, setEndpoint] = useState('');
  const checked = endpoint.trim() ? normalizeEndpoint(endpoint) : undefined;
  const pending = action.isPending ? action.variables.kind : undefined;
  const failed = action.error ? action.variables?.kind : undefined;

  const onTiles = new Set(providers.flatMap((p) => (p.state.status === 'external' && p.state.external ? [p.state.external.baseUrl] : [])));
  const others = (data?.servers ?? []).filter((s) => s.ownership === 'external' && !onTiles.has(s.baseUrl));

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!checked?.ok) return;
    action.mutate({ kind: 'add', endpoint: checked.endpoint }, { onSuccess: () => setEndpoint('') });
  };

  return (
    <section className="card discovery-panel" data-testid="discovery-panel" aria-labelledby="discovery-title">
      <header className="card-header">
        <h2 id="discovery-title">Servers found</h2>
        <div className="discovery-actions">
          {data?.scannedAt && (
            <span className="card-meta" data-testid="discovery-last-scan" title={`Scanned ${data.probed} host:port targets`}>
              Last scan {new Date(data.scannedAt).toLocaleTimeString()} · {data.probed} ports · {data.durationMs} ms
            </span>
          )}
          <ActionButton small testId="discovery-scan" disabled={action.isPending} onClick={() => action.mutate({ kind: 'scan' })}>
            {pending === 'scan' ? 'Scanning…' : 'Scan now'}
          </ActionButton>
        </div>
      </header>
      <p className="muted discovery-intro">
        Every provider's default port on 127.0.0.1 is probed{data?.intervalSec ? ` every ${data.intervalSec} s` : ''}, plus the endpoints
        below. Servers this app did not start show as External: usable by the gateway, stopped only where they were started.
      </p>

      {others.length > 0 && (
        <ul className="found-servers" data-testid="discovery-others">
          {others.map((server) => (
            <FoundServer key={server.key} server={server} />
          ))}
        </ul>
      )}

      <form className="endpoint-form" onSubmit={add} noValidate>
        <label className="field-label" htmlFor="discovery-endpoint">
          Add endpoint
        </label>
        <div className="field-input-row">
          <input
            id="discovery-endpoint"
            data-testid="discovery-endpoint-input"
            className="input"
            type="text"
            spellCheck={false}
            placeholder="host:port, e.g. 192.168.1.20:11434"
            value={endpoint}
            aria-invalid={checked?.ok === false}
            aria-describedby="discovery-endpoint-error"
            onChange={(event) => setEndpoint(event.target.value)}
          />
          <button
            type="submit"
            className="button button-primary button-small"
            data-testid="discovery-endpoint-add"
            disabled={!checked?.ok || action.isPending}
          >
            {pending === 'add' ? 'Adding…' : 'Add'}
          </button>
        </div>
        {checked?.ok === false && (
          <p className="field-error" id="discovery-endpoint-error" data-testid="discovery-endpoint-error">
            {checked.message}
          </p>
        )}
      </form>
      {(data?.endpoints.length ?? 0) > 0 && (
        <ul className="endpoint-list" aria-label="Saved endpoints" data-testid="discovery-endpoints">
          {data!.endpoints.map((saved) => (
            <li key={saved} className="chip mono endpoint-chip" data-testid="discovery-endpoint">
              {saved}
              <EndpointState saved={saved} results={data!} />
              <button
                type="button"
                className="endpoint-remove"
                aria-label={`Remove ${saved}`}
                data-testid="discovery-endpoint-remove"
                disabled={action.isPending}
                onClick={() => action.mutate({ kind: 'remove', endpoint: saved })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {action.error && (
        <ErrorNotice
          error={action.error}
          title={failed === 'scan' ? 'The scan failed' : `Could not ${failed} the endpoint`}
          testId="discovery-error"
        />
      )}
    </section>
  );
}

/** What the last scan found at a saved endpoint, so one where nothing listens does not look like one that works. */
function EndpointState({ saved, results }: { saved: string; results: DiscoveryResults }) {
  if (!results.scannedAt) return null;
  const found = results.servers.find((s) => s.key === saved);
  const state = !found ? 'silent' : found.locked ? 'locked' : found.healthy ? 'answers' : 'unhealthy';
  const text = { silent: 'nothing answers', locked: 'answers, locked', answers: 'answers', unhealthy: 'not healthy' }[state];
  const at = new Date(results.scannedAt).toLocaleTimeString();
  return (
    <span
      className={`endpoint-state endpoint-state-${state}`}
      data-testid="discovery-endpoint-state"
      data-state={state}
      title={
        state === 'silent'
          ? `No server answered here at the last scan (${at}): is it running, and listening on this address?`
          : `At the last scan (${at})`
      }
    >
      {' '}
      · {text}
    </span>
  );
}

function describe(server: DiscoveredServer): string {
  if (server.parent)
    return `${server.providerName ?? 'A server'} run by ${server.parent.providerName ?? 'another app'} (pid ${server.parent.pid})`;
  if (server.kind === 'provider') return `${server.providerName} (another instance)`;
  if (server.kind === 'openai-compatible') return 'Unknown OpenAI-compatible server';
  if (server.kind === 'locked') return server.providerName ? `Probably ${server.providerName}` : 'Unknown server';
  return 'Not an LLM server we know';
}

function FoundServer({ server }: { server: DiscoveredServer }) {
  return (
    <li className="found-server" data-testid="discovery-server" data-kind={server.kind} data-key={server.key}>
      <div className="found-server-header">
        <strong>{describe(server)}</strong>
        <code className="mono">{server.baseUrl}</code>
        {server.version && <span className="muted">version {server.version}</span>}
        {server.locked && (
          <span className="field-note-warning" data-testid="discovery-server-locked">
            {server.locked.keyRefused ? `the key was refused (${server.locked.status})` : `locked (${server.locked.status})`}
          </span>
        )}
        {(server.locked || server.withKey) && <KeyButton target={{ endpoint: server.key }} name={server.key} testId="discovery-add-key" />}
        {!server.locked && !server.healthy && server.kind !== 'other' && (
          <span className="field-note-warning">not healthy: {server.health?.detail}</span>
        )}
      </div>
      {server.serverHeader && server.kind === 'other' && <p className="muted">Server: {server.serverHeader}</p>}
      <ModelList models={server.models} />
    </li>
  );
}
