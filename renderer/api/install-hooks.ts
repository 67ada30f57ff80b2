import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { InstallRun } from '../../shared/install';
import { useClient } from './context';
import { upsertRun } from './install-cache';
import { queryKeys } from './query-keys';

/** Writes one run into the cached list (events and action answers alike). */
export function applyInstallRun(queryClient: QueryClient, run: InstallRun): void {
  queryClient.setQueryData<InstallRun[]>(queryKeys.installs, (list) => upsertRun(list, run));
}

/** Install runs, kept live by `install.progress` events. */
export function useInstallRuns() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.installs, queryFn: () => client.invoke('install.list') });
}

export function useStartInstall() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => client.invoke('install.start', { ids }),
    onSuccess: (runs) => runs.forEach((run) => applyInstallRun(queryClient, run)),
  });
}

export type InstallAction = 'cancel' | 'resume' | 'rollback' | 'update';

export function useInstallAction() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: InstallAction }) => client.invoke(`install.${action}`, { id }),
    onSuccess: (run) => applyInstallRun(queryClient, run),
  });
}

export function useUninstall() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { id: string; keepConfig: boolean }) => client.invoke('install.uninstall', request),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.installs }),
  });
}

export function useCleanup() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.invoke('install.cleanup') });
}
