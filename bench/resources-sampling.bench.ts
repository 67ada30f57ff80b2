import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import si from 'systeminformation';
import { afterAll, bench, describe } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { killGroupsNow } from '../main/services/os/process-tree';
import { CpuMeter } from '../main/services/resources/cpu-load';
import { NvidiaSource } from '../main/services/gpu/nvidia-source';
import { ResourceMonitor } from '../main/services/resources/resource-monitor';
import { STAND_IN_LLAMA_SERVER } from '../test/stand-in';

// What sampling costs the host: its own CPU (this process, plus the `ps` children it reaps) over
// WINDOW_MS sampling at 1 s, against the same window idle, side by side in one run. The machine
// runs one provider (the llama-server stand-in with a worker child) and, for the GPU path, the
// nvidia-smi stand-in streaming two GPUs (its own CPU is the tool's, not ours, and is not counted).
// Then one CPU reading our way (os.cpus deltas) against systeminformation's currentLoad().
const WINDOW_MS = Number(process.env.RESOURCES_BENCH_WINDOW_MS ?? 30_000);
const root = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-resources-'));
const port = await pickPort(23500);
// Its own process group, as the supervisor starts providers, so the worker goes down with it.
const provider = spawn(process.execPath, [STAND_IN_LLAMA_SERVER, '--port', String(port)], {
  stdio: 'ignore',
  detached: true,
  env: { ...process.env, STANDIN_GRANDCHILD: '1' },
});
process.env.STANDIN_NVIDIA_GPU_CSV = path.join(
  import.meta.dirname,
  '..',
  'main',
  'services',
  'gpu',
  'fixtures',
  'nvidia-smi-stream-2gpu.csv',
);
const smiStandIn = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'stand-ins', 'nvidia-smi.mjs');
const results: string[] = [];

/** CPU milliseconds used so far by this process and the children it has reaped. */
function cpuMs(): number {
  const own = process.cpuUsage();
  let children = 0;
  if (process.platform === 'linux') {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    children = (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  }
  return (own.user + own.system) / 1000 + children;
}

async function measure(label: string, during: () => Promise<void>): Promise<number> {
  const cpuBefore = cpuMs();
  const wallBefore = performance.now();
  await during();
  const share = ((cpuMs() - cpuBefore) / (performance.now() - wallBefore)) * 100;
  results.push(`${label}: ${share.toFixed(2)}% of one core`);
  return share;
}

const perCall: Record<'ours' | 'si', number[]> = { ours: [], si: [] };

// Vitest runs only top-level hooks around benchmarks, so everything is reported from here.
afterAll(() => {
  killGroupsNow([provider.pid!]);
  delete process.env.STANDIN_NVIDIA_GPU_CSV;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [ours, theirs] = [mean(perCall.ours), mean(perCall.si)];
  results.push(
    `one CPU reading: os.cpus() deltas ${ours.toFixed(3)} ms CPU, systeminformation currentLoad() ${theirs.toFixed(3)} ms CPU (${(theirs / ours).toFixed(0)}x)`,
  );
  process.stdout.write(`\nhost CPU over ${WINDOW_MS / 1000} s windows:\n  ${results.join('\n  ')}\n`);
});

describe('host CPU while sampling at 1 s', () => {
  let idle = 0;
  bench(
    'idle window (baseline)',
    async () => {
      idle = await measure('idle', () => new Promise((r) => setTimeout(r, WINDOW_MS)));
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
  bench(
    'sampling window: system + 1 provider tree + 2 streamed GPUs',
    async () => {
      const monitor = new ResourceMonitor({
        baseDir: root,
        intervalMs: () => 1000,
        providers: () => [{ id: 'standin', pids: [provider.pid!] }],
        gpu: async (intervalMs) => new NvidiaSource({ command: [process.execPath, smiStandIn], intervalMs }),
      });
      let samples = 0;
      monitor.on('sample', () => samples++);
      monitor.start();
      await new Promise((r) => setTimeout(r, 3_000)); // nvidia-smi and the tree listing start up
      const sampling = await measure('sampling', () => new Promise((r) => setTimeout(r, WINDOW_MS)));
      await monitor.close();
      results.push(`samples taken: ${samples}; sampling cost above idle: ${(sampling - idle).toFixed(2)}% of one core`);
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});

describe('CPU of one CPU reading (printed after the run)', () => {
  const meter = new CpuMeter();
  const timed = async (label: 'ours' | 'si', read: () => unknown) => {
    const before = cpuMs();
    await read();
    perCall[label].push(cpuMs() - before);
  };
  bench('os.cpus() deltas (ours)', () => timed('ours', () => meter.read()), { iterations: 50, time: 0 });
  // currentLoad() answers from its cache within 200 ms of the last call; space calls past that.
  bench(
    'systeminformation currentLoad()',
    async () => {
      await new Promise((r) => setTimeout(r, 201));
      await timed('si', () => si.currentLoad());
    },
    { iterations: 20, time: 0 },
  );
});
