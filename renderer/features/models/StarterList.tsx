import { useHubStarters } from '../../api/hub-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { StarterCard } from './StarterCard';

/** The hand-picked small models, recommended one first, then chat before embeddings. */
export function StarterList() {
  const { data, error, isPending } = useHubStarters();
  if (isPending) return <Loading label="Loading the starter models…" />;
  if (error) return <ErrorNotice error={error} title="Could not read the starter models" testId="starters-error" />;
  const ordered = [...data].sort((a, b) => Number(b.recommended) - Number(a.recommended) || kindRank(a.kind) - kindRank(b.kind));
  return (
    <div className="starter-grid" data-testid="starters">
      {ordered.map((starter) => (
        <StarterCard key={starter.id} starter={starter} />
      ))}
    </div>
  );
}

const kindRank = (kind: 'chat' | 'embedding') => (kind === 'chat' ? 0 : 1);
