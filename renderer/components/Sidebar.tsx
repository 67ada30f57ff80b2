import { useAppInfo } from '../api/hooks';
import { hashFor, PAGES, useUi, type PageId } from '../state/ui';
import { ConnectionIndicator } from './ConnectionIndicator';
import { LogoIcon, PageIcon } from './icons';

export const PAGE_LABELS: Record<PageId, string> = {
  dashboard: 'Dashboard',
  chat: 'Chat',
  providers: 'Providers',
  install: 'Install',
  logs: 'Logs',
  resources: 'Resources',
  gateway: 'Gateway',
  models: 'Models',
  settings: 'Settings',
};

export function Sidebar() {
  const page = useUi((state) => state.page);
  const { data: info } = useAppInfo();

  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-logo">
          <LogoIcon />
        </span>
        <div className="brand-text">
          <span className="brand-name">{info?.name ?? 'Local LLM Manager'}</span>
          <span className="brand-meta">
            <span data-testid="app-version">{info ? `v${info.version}` : '…'}</span>
            {info && (
              <span className="mode-badge" data-testid="app-mode">
                {info.mode}
              </span>
            )}
          </span>
        </div>
      </div>

      {/* Plain links: the browser handles the hash, so back/forward and reload need no extra code. */}
      <nav className="nav" aria-label="Main">
        {PAGES.map((id) => (
          <a key={id} href={hashFor(id)} className="nav-link" data-testid={`nav-${id}`} aria-current={page === id ? 'page' : undefined}>
            <PageIcon page={id} />
            <span>{PAGE_LABELS[id]}</span>
          </a>
        ))}
      </nav>

      <footer className="sidebar-footer">
        <ConnectionIndicator />
      </footer>
    </aside>
  );
}
