import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { LlmClient } from '../../shared/contract';
import type { ApiConnection } from './client';
import type { ConnectionState } from './connection';
import type { LogRegistry } from './log-registry';

interface ApiContextValue {
  api: ApiConnection;
  logs: LogRegistry;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function ApiProvider({ api, logs, children }: { api: ApiConnection; logs: LogRegistry; children: ReactNode }) {
  const value = useMemo(() => ({ api, logs }), [api, logs]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}

export function useClient(): LlmClient {
  return useApiContext().api.client;
}

export function useLogRegistry(): LogRegistry {
  return useApiContext().logs;
}

export function useConnection(): ConnectionState {
  const { connection } = useApiContext().api;
  return useSyncExternalStore(connection.subscribe, connection.get);
}
