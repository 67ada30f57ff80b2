import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { InstallRun } from '../../shared/install';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
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
  return useHostMutation(
    (client, ids: string[]) => client.invoke('install.start', { ids }),
    (queryClient, runs) => runs.forEach((run) => applyInstallRun(queryClient, run)),
  );
}

export type InstallAction = 'cancel' | 'resume' | 'rollback' | 'update';

export function useInstallAction() {
  return useHostMutation(
    (client, { id, action }: { id: string; action: InstallAction }) => client.invoke(`install.${action}`, { id }),
    applyInstallRun,
  );
}

export function useUninstall() {
  return useHostMutation(
    (client, request: { id: string; keepConfig: boolean }) => client.invoke('install.uninstall', request),
    (queryClient) => void queryClient.invalidateQueries({ queryKey: queryKeys.installs }),
  );
}

export function useCleanup() {
  return useHostMutation((client) => client.invoke('install.cleanup'));
}
