import { useState, type FormEvent } from 'react';
import { CorsOrigin } from '../../../shared/cors-origins';
import type { GatewayStatus } from '../../../shared/gateway';
import { useUpdateGateway } from '../../api/gateway-hooks';
import { ActionButton } from '../../components/ActionButton';
import { CopyTextButton } from '../../components/CopyTextButton';
import { ErrorNotice } from '../../components/ErrorNotice';

/** Where clients connect, with what key; on/off and the address it listens on. */
export function EndpointCard({ status }: { status: GatewayStatus }) {
  const update = useUpdateGateway();
  const [showKey, setShowKey] = useState(false);
  const [host, setHost] = useState(status.host);
  const [port, setPort] = useState(String(status.port));
  const portNumber = Number(port);
  const portValid = /^\d+$/.test(port) && portNumber >= 0 && portNumber <= 65535;
  const moved = host.trim() !== status.host || portNumber !== status.port;
  const [origins, setOrigins] = useState(status.corsOrigins.join('\n'));
  const originList = origins
    .split(/[\s,]+/)
    .map((o) => o.trim())
    .filter(Boolean);
  const originsChanged = originList.join('\n') !== status.corsOrigins.join('\n');
  const badOrigin = originList.find((o) => !CorsOrigin.safeParse(o).success);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (portValid && moved) update.mutate({ host: host.trim(), port: portNumber });
  };

  return (
    <div className="card gateway-endpoint" data-testid="gateway-endpoint">
      <div className="card-header">
        <h2>Endpoint</h2>
        <label className="gateway-enabled">
          <span className="muted">{status.enabled ? 'On' : 'Off'}</span>
          <input
            type="checkbox"
            role="switch"
            className="toggle"
            data-testid="gateway-enabled"
            aria-label="Gateway on"
            checked={status.enabled}
            disabled={update.isPending}
            onChange={(event) => update.mutate({ enabled: event.target.checked })}
          />
        </label>
      </div>
      <dl className="kv">
        <div className="kv-row">
          <dt>Base URL</dt>
          <dd className="gateway-copy-row">
            {status.url ? (
              <>
                <code data-testid="gateway-url">{status.url}</code>
                <CopyTextButton text={status.url} what="the gateway URL" testId="gateway-url-copy" />
              </>
            ) : (
              <span className="muted" data-testid="gateway-url">
                {status.enabled ? 'not listening' : 'off'}
              </span>
            )}
          </dd>
        </div>
        <div className="kv-row">
          <dt>API key</dt>
          <dd className="gateway-copy-row">
            {status.apiKey ? (
              <>
                <code data-testid="gateway-key">{showKey ? status.apiKey : '•'.repeat(16)}</code>
                <ActionButton variant="ghost" small onClick={() => setShowKey((s) => !s)}>
                  {showKey ? 'Hide' : 'Show'}
                </ActionButton>
                <CopyTextButton text={status.apiKey} what="the API key" testId="gateway-key-copy" />
                <ActionButton
                  variant="ghost"
                  small
                  testId="gateway-remove-key"
                  disabled={update.isPending}
                  onClick={() => update.mutate({ apiKey: null })}
                >
                  Remove
                </ActionButton>
              </>
            ) : (
              <span className="muted" data-testid="gateway-key">
                none: any client on this machine may call it
              </span>
            )}
            <ActionButton
              small
              testId="gateway-generate-key"
              disabled={update.isPending}
              onClick={() => update.mutate({ generateKey: true })}
            >
              {status.apiKey ? 'New key' : 'Generate key'}
            </ActionButton>
          </dd>
        </div>
      </dl>
      <form className="gateway-address" onSubmit={save}>
        <label htmlFor="gateway-host">Listen on</label>
        <input
          id="gateway-host"
          data-testid="gateway-host"
          className="input"
          spellCheck={false}
          value={host}
          onChange={(e) => setHost(e.target.value)}
        />
        <label htmlFor="gateway-port">port</label>
        <input
          id="gateway-port"
          data-testid="gateway-port"
          className="input input-number"
          inputMode="numeric"
          value={port}
          aria-invalid={!portValid}
          onChange={(e) => setPort(e.target.value)}
        />
        <button type="submit" className="button button-secondary button-small" disabled={!portValid || !moved || update.isPending}>
          Apply
        </button>
        <span className="muted gateway-address-hint">127.0.0.1 keeps it on this machine; any other address needs an API key.</span>
      </form>
      <form
        className="gateway-cors"
        onSubmit={(event) => {
          event.preventDefault();
          if (originsChanged && !badOrigin) update.mutate({ corsOrigins: originList });
        }}
      >
        <label htmlFor="gateway-cors">Web pages allowed (CORS)</label>
        <textarea
          id="gateway-cors"
          data-testid="gateway-cors"
          className="input"
          rows={Math.min(6, Math.max(3, origins.split('\n').length))}
          spellCheck={false}
          value={origins}
          aria-invalid={badOrigin !== undefined}
          onChange={(e) => setOrigins(e.target.value)}
        />
        <button
          type="submit"
          className="button button-secondary button-small"
          disabled={!originsChanged || badOrigin !== undefined || update.isPending}
        >
          Apply
        </button>
        {badOrigin !== undefined && (
          <span className="field-error gateway-address-hint" data-testid="gateway-cors-error">
            “{badOrigin.slice(0, 100)}” is not an origin: {CorsOrigin.safeParse(badOrigin).error?.issues[0]?.message}.
          </span>
        )}
        <span className="muted gateway-address-hint">
          Origins, one a line, of web pages that may call the gateway from a browser: http://localhost:* is any page served from this
          machine; * is every site you visit. Programs that are not browsers are not limited by this.
        </span>
      </form>
      {status.error && (
        <div className="notice notice-warning" role="alert" data-testid="gateway-error">
          <p className="notice-message">{status.error.message}</p>
          <p className="notice-hint">{status.error.hint}</p>
        </div>
      )}
      {update.isError && <ErrorNotice error={update.error} title="Could not change the gateway" />}
    </div>
  );
}
