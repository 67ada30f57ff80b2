import type { ReactNode } from 'react';
import { useSystemCheck, useSystemInfo } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Fact } from '../../components/Fact';
import { Loading } from '../../components/Loading';
import { formatBytes } from '../../../shared/format-bytes';
import type { SystemInfo } from '../../../shared/system';
import { GpuList } from '../../components/GpuList';
import { ToolsTable } from '../../components/ToolsTable';

export function SystemCard() {
  const { data, error, isPending } = useSystemInfo();
  const check = useSystemCheck();
  return (
    <article className="card" data-testid="system-card">
      <header className="card-header">
        <h2>System</h2>
        {data && <span className="card-meta">{data.os.hostname}</span>}
      </header>
      {isPending && <Loading label="Reading this machine…" />}
      {/* Keep showing the last good data if a background refetch fails. */}
      {error && !data && <ErrorNotice error={error} title="Could not read system information" />}
      {data && <SystemFacts info={data} />}
      {check.data && <GpuList gpus={check.data.gpus} problems={check.data.gpuProblems} />}
      {data && check.isPending && <Loading label="Checking tools and GPUs…" />}
      {check.error && <ErrorNotice error={check.error} title="Could not check tools and GPUs" />}
      {check.data && <ToolsTable tools={check.data.tools} />}
    </article>
  );
}

function SystemFacts({ info }: { info: SystemInfo }) {
  const { os, cpu, memory, disk } = info;
  return (
    <div className="facts">
      <Fact label="Operating system">
        <span data-testid="os-name">{`${os.distro} ${os.release}`.trim()}</span>
        <span className="fact-sub">
          Kernel {os.kernel} · {os.arch} · <span data-testid="hostname">{os.hostname}</span>
        </span>
      </Fact>
      <Fact label="CPU">
        <span data-testid="cpu-model">{cpu.model}</span>
        <span className="fact-sub" data-testid="cpu-cores">
          {cpu.physicalCores} physical cores · {cpu.logicalCores} logical
        </span>
      </Fact>
      <CapacityFact label="Memory" free={memory.availableBytes} total={memory.totalBytes} freeWord="available" testId="ram">
        <span className="fact-sub">{formatBytes(memory.totalBytes - memory.availableBytes)} in use</span>
      </CapacityFact>
      <CapacityFact label="Disk (base directory)" free={disk.freeBytes} total={disk.totalBytes} freeWord="free" testId="disk">
        <code className="fact-sub path" title={disk.path} data-testid="disk-path">
          {disk.path}
        </code>
      </CapacityFact>
    </div>
  );
}

interface CapacityFactProps {
  label: string;
  free: number;
  total: number;
  /** "available" or "free". */
  freeWord: string;
  /** `<testId>-free` and `<testId>-total` mark the two figures. */
  testId: string;
  /** A line under the meter. */
  children: ReactNode;
}

/** How much of something is left: "X free of Y", a meter of the used part, and a line under it. */
function CapacityFact({ label, free, total, freeWord, testId, children }: CapacityFactProps) {
  return (
    <Fact label={label}>
      <span>
        <span data-testid={`${testId}-free`}>{formatBytes(free)}</span> {freeWord} of{' '}
        <span data-testid={`${testId}-total`}>{formatBytes(total)}</span>
      </span>
      <Meter ratio={total > 0 ? 1 - free / total : 0} />
      {children}
    </Fact>
  );
}

function Meter({ ratio }: { ratio: number }) {
  const percent = Math.round(Math.min(1, Math.max(0, ratio)) * 100);
  const level = percent >= 90 ? 'danger' : percent >= 75 ? 'warning' : 'ok';
  return (
    <div
      className={`meter meter-${level}`}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-label={`${percent}% used`}
    >
      <div className="meter-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
