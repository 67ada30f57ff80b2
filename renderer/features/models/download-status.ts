import type { DownloadState, DownloadStatus } from '../../../shared/provider';
import { formatBytes } from '../../../shared/format-bytes';
import type { StatusTone } from '../../components/status-tone';

export const DOWNLOAD_TONE: Record<DownloadStatus, StatusTone> = {
  downloading: 'busy',
  verifying: 'busy',
  paused: 'idle',
  done: 'ok',
  failed: 'bad',
  cancelled: 'muted',
};

export const DOWNLOAD_LABEL: Record<DownloadStatus, string> = {
  downloading: 'Downloading…',
  verifying: 'Verifying…',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export interface DownloadProgressView {
  /** 0-100, or undefined when the size is unknown. */
  percent?: number;
  /** Nothing to measure against yet, but bytes are arriving: an animated bar. */
  indeterminate: boolean;
  /** "1.2 GiB of 4.0 GiB · 30%" or just "1.2 GiB". */
  text: string;
}

/** What the bar and the caption under it show. Floors the percent so 100% means the file is whole. */
export function progressView(d: DownloadState): DownloadProgressView {
  const total = d.totalBytes !== undefined && d.totalBytes > 0 ? d.totalBytes : undefined;
  if (total === undefined) {
    return {
      percent: d.status === 'done' ? 100 : undefined,
      indeterminate: d.status === 'downloading',
      text: formatBytes(d.receivedBytes),
    };
  }
  const percent = Math.min(100, Math.floor((d.receivedBytes / total) * 100));
  return { percent, indeterminate: false, text: `${formatBytes(d.receivedBytes)} of ${formatBytes(total)} · ${percent}%` };
}
