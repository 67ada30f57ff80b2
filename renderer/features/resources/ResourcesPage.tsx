import { useState } from 'react';
import { RANGE_MS, type ResourceRange } from '../../../shared/resources';
import { useProviders } from '../../api/provider-hooks';
import { useResourceSeries } from '../../api/resource-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { bytes } from '../../format/chart';
import { GpuCharts } from './GpuCharts';
import { ProviderUsageTable } from './ProviderUsageTable';
import { RangePicker } from './RangePicker';
import { SystemCharts } from './SystemCharts';
import './resources.css';

export function ResourcesPage() {
  const [range, setRange] = useState<ResourceRange>('1m');
  const { samples, isPending, error } = useResourceSeries(range);
  const { data: providers } = useProviders();
  const last = samples.at(-1);
  return (
    <Page
      id="resources"
      title="Resources"
      subtitle={
        last
          ? `Disk: ${bytes(last.disk.freeBytes)} free of ${bytes(last.disk.totalBytes)} at ${last.disk.path}`
          : 'CPU, memory and GPU use over time.'
      }
      actions={<RangePicker value={range} onChange={setRange} />}
    >
      {error ? <ErrorNotice error={error} title="Could not load the resource history" /> : null}
      {isPending && samples.length === 0 ? (
        <Loading label="Collecting the first samples…" />
      ) : (
        <>
          <div className="chart-grid" data-range={range}>
            <SystemCharts samples={samples} spanMs={RANGE_MS[range]} />
            <GpuCharts samples={samples} spanMs={RANGE_MS[range]} />
          </div>
          <ProviderUsageTable usage={last?.providers ?? []} providers={providers?.providers ?? []} />
        </>
      )}
    </Page>
  );
}
