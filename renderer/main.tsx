import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Shared styles first: the feature and component sheets their components import build on them.
import './styles/index.css';
import { App } from './App';
import { connectToHost } from './api/client';
import { ApiProvider } from './api/context';
import { wireEventsToCache } from './api/events';
import { LogRegistry } from './api/log-registry';
import { syncPageWithHash } from './state/ui';

const queryClient = new QueryClient({
  defaultOptions: {
    // One retry covers a call that raced a reconnect; more would only hide a real failure.
    queries: { retry: 1, refetchOnWindowFocus: false },
  },
});

const api = connectToHost();
const logs = new LogRegistry(api.client);
wireEventsToCache(api, queryClient, logs);
syncPageWithHash();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <ApiProvider api={api} logs={logs}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ApiProvider>
  </StrictMode>,
);
