import type { DownloadState, ModelFile } from '../../../shared/provider';

export type PullState = { kind: 'ready' } | { kind: 'busy'; label: string } | { kind: 'here' };

/**
 * What a Download button for `pick` (a repository path; only its base name lands in the models
 * folder) should say: the file is already in the folder, a download of it is under way (with its
 * percent), or it can be pulled. A failed, cancelled or paused download leaves it pullable.
 */
export function pullState(pick: string, downloads: readonly DownloadState[] = [], models: readonly ModelFile[] = []): PullState {
  const file = pick.split('/').pop()!;
  if (models.some((m) => m.file === file && (!m.origin || m.origin === 'models folder'))) return { kind: 'here' };
  const active = downloads.find((d) => d.file === file && (d.status === 'downloading' || d.status === 'verifying'));
  if (!active) return { kind: 'ready' };
  if (active.status === 'verifying') return { kind: 'busy', label: 'Verifying…' };
  const percent = active.totalBytes ? Math.floor((active.receivedBytes / active.totalBytes) * 100) : undefined;
  return { kind: 'busy', label: percent === undefined ? 'Downloading…' : `Downloading ${percent}%` };
}
