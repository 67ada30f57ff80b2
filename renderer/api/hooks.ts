import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SettingsPatch } from '../../shared/settings';
import { useClient } from './context';
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

export function useRefreshSystemInfo() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.invoke('system.info', { refresh: true }),
    onSuccess: (info) => queryClient.setQueryData(queryKeys.systemInfo, info),
  });
}

export function useSettings() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => client.invoke('settings.get') });
}

export function useUpdateSettings() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => client.invoke('settings.update', patch),
    onSuccess: (state) => queryClient.setQueryData(queryKeys.settings, state),
  });
}
