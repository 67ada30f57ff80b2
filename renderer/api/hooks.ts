import { useQuery } from '@tanstack/react-query';
import { isAppError } from '../../shared/errors';
import type { SettingsPatch } from '../../shared/settings';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

export function useAppInfo() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => client.invoke('app.info'), staleTime: Infinity });
}

export function useSystemInfo() {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.systemInfo,
    queryFn: () => client.invoke('system.info'),
    // Memory and disk move; tools are cached by the host, so this is cheap.
    refetchInterval: 5_000,
  });
}

/** Tools with status and install hints, GPUs, and a verdict per recipe. The host caches it: probing takes seconds. */
export function useSystemCheck() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.systemCheck, queryFn: () => client.invoke('system.check'), staleTime: Infinity });
}

/** Re-probes tools and GPUs (after the user installed something); the tools of system.info follow. */
export function useRefreshSystemCheck() {
  return useHostMutation(
    (client) => client.invoke('system.check', { refresh: true }),
    (queryClient, check) => {
      queryClient.setQueryData(queryKeys.systemCheck, check);
      void queryClient.invalidateQueries({ queryKey: queryKeys.systemInfo });
      void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
    },
  );
}

export function useSettings() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => client.invoke('settings.get') });
}

/**
 * Saves a settings patch: only what the user changed, with the `baseRevision` it was made
 * against. A CONFLICT (someone changed the same field meanwhile) leaves the error to show and
 * fetches the settings as they now are.
 */
export function useUpdateSettings() {
  return useHostMutation(
    (client, patch: SettingsPatch) => client.invoke('settings.update', patch),
    queryKeys.settings,
    (queryClient, error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: queryKeys.settings });
    },
  );
}

/** The host refused a save because the same setting changed since the page read it. */
export function isConflict(error: unknown): boolean {
  return isAppError(error) && error.code === 'CONFLICT';
}
