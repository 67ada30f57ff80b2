import type { ReactNode } from 'react';
import type { PageId } from '../state/ui';

interface PageProps {
  id: PageId;
  title: string;
  subtitle?: string;
  actions?: ReactNode;
  /** Overrides the `page-<id>` test hook, for views inside a page (a provider's detail). */
  testId?: string;
  children: ReactNode;
}

/** The frame every screen shares: a header and the `page-<id>` test hook. */
export function Page({ id, title, subtitle, actions, testId, children }: PageProps) {
  return (
    <section className="page" data-testid={testId ?? `page-${id}`} aria-labelledby={`page-title-${id}`}>
      <header className="page-header">
        <div>
          <h1 id={`page-title-${id}`}>{title}</h1>
          {subtitle && <p className="page-subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      <div className="page-body">{children}</div>
    </section>
  );
}
