import which from 'which';
import { IOREG_ARGS, parseIoregAccelerators } from './apple';
import { NO_GPUS, type GpuSource } from './live-source';
import { NvidiaSource } from './nvidia-source';
import { PolledSource } from './polled-source';
import { parseRocmSmiPids, parseRocmSmiSamples, ROCM_SMI_PIDS_ARGS, ROCM_SMI_SAMPLE_ARGS } from './rocm';

/**
 * The GPU tool this machine has: nvidia-smi (streamed), rocm-smi (polled every 5 s: it is a
 * Python script that cannot loop, and starting it costs ~0.1 s of CPU), ioreg on macOS (polled
 * every 2 s), or none, in which case nothing is spawned at all.
 */
export async function openGpuSource(intervalMs: number, env: NodeJS.ProcessEnv = process.env): Promise<GpuSource> {
  const onPath = (name: string) => which(name, { nothrow: true, path: env.PATH });
  const nvidia = await onPath('nvidia-smi');
  if (nvidia) return new NvidiaSource({ command: [nvidia], intervalMs });
  const rocm = await onPath('rocm-smi');
  if (rocm) {
    return new PolledSource({
      name: 'rocm-smi',
      argv: [rocm, ...ROCM_SMI_SAMPLE_ARGS],
      parse: parseRocmSmiSamples,
      pids: { argv: [rocm, ...ROCM_SMI_PIDS_ARGS], parse: parseRocmSmiPids },
      intervalMs,
      minPeriodMs: 5_000,
    });
  }
  if (process.platform === 'darwin') {
    return new PolledSource({
      name: 'ioreg',
      argv: ['/usr/sbin/ioreg', ...IOREG_ARGS],
      parse: parseIoregAccelerators,
      intervalMs,
      minPeriodMs: 2_000,
    });
  }
  return NO_GPUS;
}
