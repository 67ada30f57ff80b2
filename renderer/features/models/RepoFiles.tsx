import { useHubFiles } from '../../api/hub-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { formatCount } from '../../format/count';
import { RepoChoiceRow } from './RepoChoiceRow';

/** A selected repository: its card summary, licence, a link to its page, the gated notice, and its GGUF choices. */
export function RepoFiles({ repo }: { repo: string }) {
  const { data, error, isPending } = useHubFiles(repo);
  if (isPending) return <Loading label={`Reading ${repo}…`} />;
  if (error) return <ErrorNotice error={error} title={`Could not read ${repo}`} testId="hub-files-error" />;
  return (
    <section className="repo-files" data-testid="hub-repo" aria-label={repo}>
      <header className="repo-files-header">
        <h4 className="mono">{data.repo}</h4>
        <a href={data.pageUrl} target="_blank" rel="noreferrer" data-testid="hub-repo-page">
          Open its page ↗
        </a>
      </header>
      <p className="repo-files-meta muted">
        <span data-testid="hub-repo-license">Licence: {data.license ?? 'not stated'}</span>
        {data.downloads !== undefined && <span>↓ {formatCount(data.downloads)}</span>}
        {data.likes !== undefined && <span>♥ {formatCount(data.likes)}</span>}
      </p>
      {data.summary && (
        <p className="repo-summary" data-testid="hub-repo-summary">
          {data.summary}
        </p>
      )}
      {data.gated && (
        <div className="notice notice-warning" role="note" data-testid="hub-gated-notice">
          <strong className="notice-title">Gated repository</strong>
          <p className="notice-message">
            Its files need permission: accept the licence on{' '}
            <a href={data.pageUrl} target="_blank" rel="noreferrer">
              its page
            </a>{' '}
            while signed in, then set a token of that account (HF_TOKEN) where the app runs and restart it.
          </p>
        </div>
      )}
      {data.choices.length === 0 ? (
        <p className="muted">No GGUF files in this repository.</p>
      ) : (
        <ul className="repo-choices" data-testid="hub-choices">
          {data.choices.map((choice) => (
            <RepoChoiceRow key={choice.name} repo={data.repo} choice={choice} recommended={choice.name === data.recommended} />
          ))}
        </ul>
      )}
    </section>
  );
}
