import { useEffect, useRef, type ComponentType } from 'react';
import { SessionEndedBanner } from './components/SessionEndedBanner';
import { Sidebar } from './components/Sidebar';
import { AlertToasts } from './features/alerts/AlertToasts';
import { ChatPage } from './features/chat/ChatPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { GatewayPage } from './features/gateway/GatewayPage';
import { InstallPage } from './features/install/InstallPage';
import { LogsPage } from './features/logs/LogsPage';
import { ModelsPage } from './features/models/ModelsPage';
import { ProvidersRoute } from './features/providers/ProvidersRoute';
import { ResourcesPage } from './features/resources/ResourcesPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { useUi, type PageId } from './state/ui';
import { useFirstRunRedirect } from './features/install/wizard/first-run';

const SCREENS: Record<PageId, ComponentType> = {
  dashboard: DashboardPage,
  chat: ChatPage,
  providers: ProvidersRoute,
  install: InstallPage,
  logs: LogsPage,
  resources: ResourcesPage,
  gateway: GatewayPage,
  models: ModelsPage,
  settings: SettingsPage,
};

export function App() {
  useFirstRunRedirect();
  const page = useUi((state) => state.page);
  const providerId = useUi((state) => state.providerId);
  const Screen = SCREENS[page];
  // One scrolling pane serves every page: a new page opens at its top, not at the last one's offset.
  // scrollTop, in a block body: Chromium's scrollTo returns a promise, which React took for a cleanup.
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    if (main.current) main.current.scrollTop = 0;
  }, [page, providerId]);
  return (
    <div className="app">
      <Sidebar />
      <main className="main" ref={main}>
        <SessionEndedBanner />
        <Screen />
      </main>
      <AlertToasts />
    </div>
  );
}
