import { useDiscovery, useDiscoveryAction } from '../../../api/discovery-hooks';
import { useProviders } from '../../../api/provider-hooks';
import { ActionButton } from '../../../components/ActionButton';
import { Loading } from '../../../components/Loading';

/** Step 2: what is already here: providers installed or running, and servers found on their ports. */
export function FoundStep() {
  const providers = useProviders();
  const discovery = useDiscovery();
  const scan = useDiscoveryAction();
  if (providers.isPending) return <Loading label="Looking for providers…" />;
  const list = providers.data?.providers ?? [];
  const here = list.filter((p) => p.installStrategy !== 'builtin' && !['not-installed', 'installing'].includes(p.state.status));
  const servers = (discovery.data?.servers ?? []).filter((s) => s.ownership === 'external');
  return (
    <div className="wizard-step" data-testid="wizard-found">
      <div className="wizard-install-start">
        <p className="lead">The built-in engine is always here: it runs GGUF models with nothing else installed.</p>
        <ActionButton testId="wizard-scan" disabled={scan.isPending} onClick={() => scan.mutate({ kind: 'scan' })}>
          {scan.isPending ? 'Scanning…' : 'Scan again'}
        </ActionButton>
      </div>
      {here.length === 0 && servers.length === 0 ? (
        <p className="muted" data-testid="wizard-found-none">
          No other provider is installed or running on this machine yet.
        </p>
      ) : (
        <ul className="wizard-found-list">
          {here.map((p) => (
            <li key={p.id} data-testid={`wizard-found-${p.id}`}>
              <strong>{p.name}</strong> <span className={`chip status-${p.state.status}`}>{p.state.status}</span>
              {p.state.external && <span className="muted"> at {p.state.external.baseUrl}</span>}
            </li>
          ))}
          {servers
            .filter((s) => !here.some((p) => p.id === s.providerId))
            .map((s) => (
              <li key={s.key} data-testid={`wizard-found-${s.key}`}>
                <strong>{s.providerName ?? 'A server'}</strong> <span className="muted">at {s.baseUrl}</span>
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}
