import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { LlmClient } from '../../shared/contract';
import type { ApiConnection } from './client';
import type { ConnectionState } from './connection';

const ApiContext = createContext<ApiConnection | null>(null);

export function ApiProvider({ api, children }: { api: ApiConnection; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

function useApi(): ApiConnection {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside <ApiProvider>');
  return api;
}

export function useClient(): LlmClient {
  return useApi().client;
}

export function useConnection(): ConnectionState {
  const { connection } = useApi();
  return useSyncExternalStore(connection.subscribe, connection.get);
}
