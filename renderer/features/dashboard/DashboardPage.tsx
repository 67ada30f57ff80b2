import { Page } from '../../components/Page';
import { SettingsProblemsBadge } from './SettingsProblemsBadge';
import { SystemCard } from './SystemCard';

export function DashboardPage() {
  return (
    <Page id="dashboard" title="Dashboard" subtitle="This machine at a glance." actions={<SettingsProblemsBadge />}>
      <SystemCard />
    </Page>
  );
}
