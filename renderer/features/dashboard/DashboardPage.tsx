import { Page } from '../../components/Page';
import './dashboard.css';
import { NowCard } from './NowCard';
import { SettingsProblemsBadge } from './SettingsProblemsBadge';
import { SystemCard } from './SystemCard';

export function DashboardPage() {
  return (
    <Page id="dashboard" title="Dashboard" subtitle="What runs now, and this machine, at a glance." actions={<SettingsProblemsBadge />}>
      <div className="dashboard-cards">
        <NowCard />
        <SystemCard />
      </div>
    </Page>
  );
}
