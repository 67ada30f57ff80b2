import type { DownloadState } from '../../../shared/provider';
import { useDownloadAction, useRemoveDownload, type DownloadAction } from '../../api/download-hooks';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../../shared/format-bytes';
import { formatDuration } from '../../format/duration';
import { DownloadProgress } from './DownloadProgress';
import { DOWNLOAD_LABEL, DOWNLOAD_TONE } from './download-status';

/** One download: where from, how far, how fast, and Cancel, Resume or Retry. */
export function DownloadRow({ download }: { download: DownloadState }) {
  const action = useDownloadAction();
  const remove = useRemoveDownload();
  const { id, file, url, status } = download;
  const active = status === 'downloading';
  const act = (kind: DownloadAction) => action.mutate({ id, action: kind });
  return (
    <article className="card download-row" data-testid={`download-row-${file}`} data-status={status}>
      <header className="download-row-header">
        <h3 className="model-file mono">{file}</h3>
        <span className={`status-badge tone-${DOWNLOAD_TONE[status]}`} data-testid="download-status">
          <span className="status-badge-dot" aria-hidden="true" />
          {DOWNLOAD_LABEL[status]}
        </span>
        <div className="download-actions">
          {active && (
            <ActionButton small testId="download-cancel" disabled={action.isPending} onClick={() => act('cancel')}>
              Cancel
            </ActionButton>
          )}
          {(status === 'paused' || status === 'failed') && (
            <ActionButton
              variant="primary"
              small
              testId="download-resume"
              title={status === 'failed' ? 'Try again, going on from the bytes already here' : undefined}
              disabled={action.isPending}
              onClick={() => act('resume')}
            >
              {status === 'failed' ? 'Retry' : 'Resume'}
            </ActionButton>
          )}
          {!active && status !== 'verifying' && (
            <ActionButton
              small
              testId="download-remove"
              title={status === 'done' ? 'Clear from the list (the model stays)' : 'Delete the bytes received so far'}
              disabled={remove.isPending}
              onClick={() => remove.mutate(id)}
            >
              {status === 'done' ? 'Clear' : 'Remove'}
            </ActionButton>
          )}
        </div>
      </header>
      <p className="download-url mono muted" title={url} data-testid="download-url-text">
        {url}
      </p>
      <DownloadProgress download={download} />
      <div className="download-stats">
        <span className="fact-label">Speed</span>
        <span data-testid="download-speed">{active ? `${formatBytes(download.speedBps)}/s` : '—'}</span>
        <span className="fact-label">ETA</span>
        <span data-testid="download-eta">{active && download.etaSec !== undefined ? formatDuration(download.etaSec * 1000) : '—'}</span>
      </div>
      {download.error && (
        <p className="notice notice-error download-error" data-testid="download-error">
          {download.error}
        </p>
      )}
      {remove.error && <ErrorNotice error={remove.error} title="Could not remove the download" testId="download-remove-error" />}
      {action.error && (
        <ErrorNotice
          error={action.error}
          title={`Could not ${action.variables?.action ?? 'change'} the download`}
          testId="download-action-error"
        />
      )}
    </article>
  );
}
