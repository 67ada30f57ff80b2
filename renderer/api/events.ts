import type { QueryClient } from '@tanstack/react-query';
import type { ApiConnection } from './client';
import type { LogRegistry } from './log-registry';
import { applyDownloadState } from './download-sync';
import { applyInstallRun } from './install-hooks';
import { applyProviderState } from './provider-sync';
import { queryKeys } from './query-keys';

/** Pushes host events into the query cache (and log lines into their buffers) so every screen renders what the host says. */
export function wireEventsToCache(api: ApiConnection, queryClient: QueryClient, logs: LogRegistry): () => void {
  const offs = [
    api.client.on('settings.changed', (state) => {
      queryClient.setQueryData(queryKeys.settings, state);
      // A tile's "Choose model" depends on the model its settings name.
      void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
    }),
    api.client.on('providers.state', (state) => applyProviderState(queryClient, state)),
    api.client.on('logs.lines', (batch) => logs.onLines(batch)),
    api.client.on('downloads.progress', (state) => applyDownloadState(queryClient, state)),
    api.client.on('install.progress', (run) => applyInstallRun(queryClient, run)),
    api.client.on('gateway.changed', (status) => queryClient.setQueryData(queryKeys.gateway, status)),
    api.client.on('gateway.stats', (stats) => queryClient.setQueryData(queryKeys.gatewayStats, stats)),
    api.client.on('discovery.changed', (results) => queryClient.setQueryData(queryKeys.discovery, results)),
    api.client.on('keys.changed', (status) => queryClient.setQueryData(queryKeys.keys, status)),
    api.client.on('alerts.changed', (inEffect) => queryClient.setQueryData(queryKeys.alerts, inEffect)),
    api.client.on('chats.changed', (list) => {
      queryClient.setQueryData(queryKeys.chats, list);
      void queryClient.invalidateQueries({ queryKey: queryKeys.chatSearches });
    }),
    // Events sent while we were away are lost: refetch everything after a reconnect.
    api.onReconnect(() => {
      void queryClient.invalidateQueries();
      logs.reloadAll();
    }),
  ];
  return () => offs.forEach((off) => off());
}
