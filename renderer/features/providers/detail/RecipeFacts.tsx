import type { ReactNode } from 'react';
import type { ProviderDetail } from '../../../../shared/provider';
import { VersionChip } from '../../../components/VersionChip';

const INSTALL_LABELS: Record<ProviderDetail['installStrategy'], string> = {
  git: 'Git clone and build',
  python: 'Python virtual environment',
  binary: 'Binary download',
  external: 'Desktop app (detected, not installed by us)',
  none: 'Nothing to install (command on PATH)',
  builtin: 'Built into this app',
};

/** What the recipe says and where things live on disk. */
export function RecipeFacts({ provider }: { provider: ProviderDetail }) {
  const { recipe } = provider;
  return (
    <section className="card" aria-label="Recipe" data-testid="recipe-facts">
      <header className="card-header">
        <h2>Recipe</h2>
        <span className="card-meta">{provider.origin === 'user' ? 'custom' : 'built-in'}</span>
      </header>
      <dl className="kv">
        <Row label="Homepage">
          <a href={recipe.homepage} target="_blank" rel="noreferrer">
            {recipe.homepage}
          </a>
        </Row>
        {recipe.repository && (
          <Row label="Repository">
            <a href={recipe.repository} target="_blank" rel="noreferrer">
              {recipe.repository}
            </a>
            {recipe.version && <VersionChip version={recipe.version} />}
          </Row>
        )}
        <Row label="API">{recipe.api}</Row>
        <Row label="Default port">
          <span className="mono">{recipe.defaultPort}</span>
          {recipe.portNote && <span className="kv-note">{recipe.portNote}</span>}
        </Row>
        <Row label="Install">{INSTALL_LABELS[recipe.install.strategy]}</Row>
        <Row label="Start">
          {recipe.start.map((process) => (
            <div key={process.name} className="argv">
              {recipe.start.length > 1 && <span className="argv-name">{process.name}</span>}
              <code>{process.argv.map(quoteArg).join(' ')}</code>
            </div>
          ))}
        </Row>
        {provider.file && <Row label="Recipe file" path={provider.file} />}
        <Row label="Config dir" path={provider.configDir} />
        <Row label="Data dir" path={provider.dataDir} />
        <Row label="Log file" path={provider.logFile} testId="provider-log-file" />
      </dl>
    </section>
  );
}

function Row({ label, path, testId, children }: { label: string; path?: string; testId?: string; children?: ReactNode }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {path ? (
          <code className="path" title={path}>
            {path}
          </code>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}

/** Shows argv the way a shell would need it, so it can be copied and run by hand. */
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
