import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ArchiveSource, BackupExtra } from '../../shared/backup';
import { useClient } from './context';

/** backup.create, answered as base64 for the page to offer as a download; `include` adds logs/ or data/. */
export function useCreateBackup() {
  const client = useClient();
  return useMutation({
    mutationFn: (include: BackupExtra[] = []) => client.invoke('backup.create', include.length > 0 ? { include } : {}),
  });
}

/** backup.inspect: what a restore of this archive would change (nothing touched). */
export function useInspectBackup() {
  const client = useClient();
  return useMutation({ mutationFn: (source: ArchiveSource) => client.invoke('backup.inspect', source) });
}

/** backup.restore: afterwards settings, recipes and tiles may all differ, so every query is read again. */
export function useRestoreBackup() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { data: string; reinstall: boolean }) => client.invoke('backup.restore', request),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
}

/** export.helixcode: a preview (file optional), or a write into the file. */
export function useHelixExport() {
  const client = useClient();
  return useMutation({
    mutationFn: (request: { file?: string; write?: boolean }) =>
      client.invoke('export.helixcode', { ...(request.file ? { file: request.file } : {}), ...(request.write ? { write: true } : {}) }),
  });
}
