import type { ComponentType } from 'react';
import { Sidebar } from './components/Sidebar';
import { AlertToasts } from './features/alerts/AlertToasts';
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
  const Screen = SCREENS[page];
  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <Screen />
      </main>
      <AlertToasts />
    </div>
  );
}
