import type { SettingsProblem } from '../../../shared/settings';

export function ProblemsBanner({ problems }: { problems: SettingsProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="notice notice-warning" role="alert" data-testid="settings-problems">
      <strong className="notice-title">
        {problems.length === 1 ? 'A settings problem needs attention' : `${problems.length} settings problems need attention`}
      </strong>
      <ul className="problem-list">
        {problems.map((problem, index) => (
          <li key={`${problem.origin}-${index}`}>
            <p className="notice-message">
              {problem.message}
              {/* Most messages already name their file or variable; say it again only when they do not. */}
              {!problem.message.includes(problem.origin) && <code className="problem-origin"> ({problem.origin})</code>}
            </p>
            <p className="notice-hint">{problem.hint}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
