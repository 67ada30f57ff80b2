import type { DownloadState } from '../../../shared/provider';
import { progressView } from './download-status';

const METER_TONE: Partial<Record<DownloadState['status'], string>> = {
  done: ' meter-ok',
  failed: ' meter-danger',
  paused: ' meter-muted',
  cancelled: ' meter-muted',
};

/** The bar (animated when the size is unknown) and "received of total · percent" under it. */
export function DownloadProgress({ download }: { download: DownloadState }) {
  const { percent, indeterminate, text } = progressView(download);
  return (
    <div className="download-progress">
      <div
        className={`meter download-meter${indeterminate ? ' meter-indeterminate' : ''}${METER_TONE[download.status] ?? ''}`}
        role="progressbar"
        aria-label={`Downloaded of ${download.file}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
        data-testid="download-progress"
        data-received={download.receivedBytes}
        data-total={download.totalBytes}
      >
        <div className="meter-fill" style={indeterminate ? undefined : { width: `${percent ?? 0}%` }} />
      </div>
      <span className="download-amount">{text}</span>
    </div>
  );
}
