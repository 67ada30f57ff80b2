import { useSettings } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Page } from '../../components/Page';
import { Loading } from '../../components/Loading';
import { BackupRestoreCard } from './BackupRestoreCard';
import { DiagnosticsCard } from './DiagnosticsCard';
import { DiscoverySettingsCard } from './DiscoverySettingsCard';
import { HelixExportCard } from './HelixExportCard';
import { LogLevelCard } from './LogLevelCard';
import { ProblemsBanner } from './ProblemsBanner';
import { ResourceSettingsForm } from './ResourceSettingsForm';
import { SettingsForm } from './SettingsForm';

export function SettingsPage() {
  const { data, error, isPending } = useSettings();
  return (
    <Page id="settings" title="Settings" subtitle={data ? `Stored in ${data.file}` : undefined}>
      {isPending && <Loading label="Loading settings…" />}
      {error && !data && <ErrorNotice error={error} title="Could not load settings" />}
      {data && (
        <>
          <ProblemsBanner problems={data.problems} />
          <SettingsForm state={data} />
          <ResourceSettingsForm state={data} />
          <DiscoverySettingsCard state={data} />
          <LogLevelCard state={data} />
          <BackupRestoreCard />
          <HelixExportCard />
          <DiagnosticsCard />
        </>
      )}
    </Page>
  );
}
