import type { GpuInfo } from '../../shared/system';
import './system-check.css';

/** The GPUs found, with what decides which providers fit: vendor, memory, driver and CUDA/ROCm/Metal. */
export function GpuList({ gpus, problems }: { gpus: GpuInfo[]; problems: string[] }) {
  return (
    <section className="gpus" data-testid="gpu-list">
      <header className="section-header">
        <h3>
          GPUs <span className="muted">{gpus.length === 0 ? 'none found' : `${gpus.length} found`}</span>
        </h3>
      </header>
      {problems.map((problem) => (
        <p key={problem} className="tool-error" data-testid="gpu-problem">
          {problem}
        </p>
      ))}
      {gpus.length === 0 ? (
        <p className="muted" data-testid="gpu-none">
          No GPU found: providers that can run on the CPU will, slowly.
        </p>
      ) : (
        <ul className="gpu-list">
          {gpus.map((gpu, i) => (
            <li key={`${gpu.busId ?? i}-${gpu.model}`} data-testid="gpu-row" data-vendor={gpu.vendor}>
              <span className="gpu-model">{gpu.model}</span>
              <span className="fact-sub">{gpuFacts(gpu).join(' · ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const VENDORS: Record<GpuInfo['vendor'], string> = { nvidia: 'NVIDIA', amd: 'AMD', apple: 'Apple', intel: 'Intel', other: 'Other' };

function gpuFacts(gpu: GpuInfo): string[] {
  // One decimal, without a trailing ".0": "24 GiB", "23.4 GiB".
  const gib = (mib: number) => `${Number((mib / 1024).toFixed(1))} GiB`;
  return [
    VENDORS[gpu.vendor],
    gpu.vramMiB !== undefined
      ? `${gib(gpu.vramMiB)} VRAM${gpu.vramFreeMiB !== undefined ? ` (${gib(gpu.vramFreeMiB)} free)` : ''}`
      : gpu.sharedMemory
        ? 'shares system memory'
        : 'VRAM unknown',
    gpu.driverVersion && `driver ${gpu.driverVersion}`,
    gpu.cudaVersion && `CUDA ${gpu.cudaVersion}`,
    gpu.rocmVersion && `ROCm ${gpu.rocmVersion}`,
    gpu.metal,
    gpu.cores !== undefined && `${gpu.cores} GPU cores`,
  ].filter((fact): fact is string => typeof fact === 'string' && fact !== '');
}
