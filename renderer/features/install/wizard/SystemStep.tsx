import { useSystemCheck } from '../../../api/hooks';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { GpuList } from '../../../components/GpuList';
import { ToolsTable } from '../../../components/ToolsTable';

/** Step 1: this machine, its GPUs and tools, and the commands that fix what is missing. */
export function SystemStep() {
  const check = useSystemCheck();
  if (check.isPending) return <Loading label="Checking this machine…" />;
  if (check.error) return <ErrorNotice error={check.error} title="Could not check this machine" />;
  const { os, gpus, gpuProblems, tools, accelerator } = check.data;
  return (
    <div className="wizard-step" data-testid="wizard-system">
      <p className="lead">
        <strong>{os.distroName ?? os.platform}</strong> on {os.arch}. Builds will target{' '}
        <strong data-testid="wizard-accelerator">{accelerator === 'none' ? 'the CPU (no GPU found)' : accelerator.toUpperCase()}</strong>.
      </p>
      <GpuList gpus={gpus} problems={gpuProblems} />
      <ToolsTable tools={tools} />
    </div>
  );
}
