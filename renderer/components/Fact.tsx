import type { ReactNode } from 'react';

/** One labelled fact in a `.facts` grid: an upper-case label over its value. */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact" data-testid={testId}>
      <span className="fact-label">{label}</span>
      <div className="fact-value">{children}</div>
    </div>
  );
}
