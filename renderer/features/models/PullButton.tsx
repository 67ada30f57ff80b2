import { useDownloads } from '../../api/download-hooks';
import { useHubPull } from '../../api/hub-hooks';
import { useModels } from '../../api/model-hooks';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { pullState } from './pull-state';

interface PullButtonProps {
  repo: string;
  /** A file of the repository (any part of a split set pulls the set). */
  pick: string;
  primary?: boolean;
}

/**
 * Download through hub.pull. The button follows the file: its percent while it downloads (the
 * downloads list has the rest), "Downloaded" once it is in the models folder. An error spans the
 * row under it.
 */
export function PullButton({ repo, pick, primary = false }: PullButtonProps) {
  const pull = useHubPull();
  const { data: downloads } = useDownloads();
  const { data: models } = useModels();
  const state = pullState(pick, downloads, models?.models);
  const label = pull.isPending ? 'Starting…' : state.kind === 'busy' ? state.label : state.kind === 'here' ? 'Downloaded' : 'Download';
  return (
    <>
      <ActionButton
        small
        className="pull-button"
        variant={primary && state.kind === 'ready' ? 'primary' : 'secondary'}
        testId="hub-pull"
        data-state={state.kind}
        title={state.kind === 'here' ? 'Already in the models folder' : `Download ${pick} from ${repo}`}
        disabled={pull.isPending || state.kind !== 'ready'}
        onClick={() => pull.mutate({ repo, pick })}
      >
        {label}
      </ActionButton>
      {pull.error && (
        <div className="pull-error">
          <ErrorNotice error={pull.error} title="Could not start the download" testId="hub-pull-error" />
        </div>
      )}
    </>
  );
}
