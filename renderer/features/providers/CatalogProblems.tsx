import type { CatalogProblem } from '../../../shared/provider';

/** Custom recipe files that did not load, with where and how to fix each. */
export function CatalogProblems({ problems }: { problems: CatalogProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="notice notice-warning" role="alert" data-testid="catalog-problems">
      <strong className="notice-title">
        {problems.length === 1 ? 'A custom recipe could not be loaded' : `${problems.length} custom recipe problems`}
      </strong>
      <ul className="problem-list">
        {problems.map((problem, index) => (
          <li key={`${problem.file}-${problem.field ?? ''}-${index}`} data-testid="catalog-problem">
            <p className="notice-message">
              <code className="problem-origin">{problem.file}</code>
              {problem.field && (
                <>
                  {' · '}
                  <code className="problem-field">{problem.field}</code>
                </>
              )}
              {': '}
              {problem.message}
            </p>
            <p className="notice-hint">{problem.hint}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
