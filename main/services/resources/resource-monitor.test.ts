import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResourceSample } from '../../../shared/resources';
import { tempDir } from '../../../test/temp-dir';
import { NO_GPUS } from '../gpu/live-source';
import { NvidiaSource } from '../gpu/nvidia-source';
import { ProviderUsageSampler } from './provider-usage';
import { ResourceMonitor } from './resource-monitor';

const STAND_IN_SMI = path.join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'stand-ins', 'nvidia-smi.mjs');
const MIB = 1024 * 1024;

// A parent that only waits, and a child of it that burns one core and, on "alloc" on its stdin,
// fills 256 MiB it then keeps touching: a provider whose cost sits in a worker process.
const CHILD = `
let keep = [];
process.stdin.on('data', () => { const b = Buffer.alloc(256 * 1024 * 1024, 1); keep.push(b); process.stdout.write('allocated\\n'); });
setInterval(() => { const end = Date.now() + 90; while (Date.now() < end) {} }, 100);
`;
const PARENT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', ${JSON.stringify(CHILD)}], { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
process.stdout.write('child ' + child.pid + '\\n');
process.on('SIGTERM', () => { child.kill('SIGKILL'); process.exit(0); });
setInterval(() => {}, 1000);
`;

const started: ChildProcess[] = [];
const monitors: ResourceMonitor[] = [];

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.close()));
  for (const child of started.splice(0)) child.kill('SIGTERM');
});

function startBusyTree(): Promise<{ parent: ChildProcess; childPid: number; waitFor: (text: string) => Promise<void> }> {
  const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(parent);
  let output = '';
  const waitFor = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => (output.includes(text) ? (parent.stdout!.off('data', onData), resolve()) : undefined);
      const onData = (data: Buffer) => {
        output += data.toString();
        check();
      };
      parent.stdout!.on('data', onData);
      check();
    });
  return waitFor('child ').then(async () => {
    await new Promise((r) => setTimeout(r, 50));
    return { parent, childPid: Number(/child (\d+)/.exec(output)![1]), waitFor };
  });
}

function monitorFor(baseDir: string, providers: () => { id: string; pids: number[] }[], gpu = async () => NO_GPUS) {
  const monitor = new ResourceMonitor({
    baseDir,
    intervalMs: () => 250,
    providers,
    gpu,
    usage: new ProviderUsageSampler({ treeTtlMs: 0 }),
  });
  monitors.push(monitor);
  return monitor;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ResourceMonitor on this machine', () => {
  it('keeps sampling on its interval while the wall clock is set back', async () => {
    const monitor = monitorFor(await tempDir(), () => []);
    const seen: ResourceSample[] = [];
    monitor.on('sample', (s) => seen.push(s));
    // Set back an hour at every look (NTP correcting a clock that ran ahead, a VM resumed).
    const realNow = Date.now.bind(Date);
    let setBack = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - (setBack += 3_600_000));
    try {
      monitor.start();
      await sleep(2_000);
      // Every 250 ms: about 8 in 2 s. Timed by the wall clock, the second would wait an hour.
      expect(seen.length).toBeGreaterThanOrEqual(4);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('counts a busy child in its provider’s CPU, and the machine’s CPU accounts for it', async () => {
    const tree = await startBusyTree();
    const monitor = monitorFor(await tempDir(), () => [{ id: 'busy', pids: [tree.parent.pid!] }]);
    await monitor.sampleNow();
    await sleep(1000);
    const sample = await monitor.sampleNow();
    const usage = sample.providers.find((p) => p.id === 'busy')!;
    expect(usage.processes).toBe(2);
    // The child burns ~90% of a core; the parent alone idles. A loaded machine gives it less.
    expect(usage.cpuPercent).toBeGreaterThan(30);
    const machineCores = (sample.cpu.percent / 100) * os.cpus().length * 100;
    expect(machineCores).toBeGreaterThan(usage.cpuPercent * 0.7);
    expect(sample.cpu.perCore).toHaveLength(os.cpus().length);

    // The same root without its tree: the cost was the child's.
    const lone = new ProviderUsageSampler({ listProcesses: async () => [] });
    await lone.sample([{ id: 'parent', pids: [tree.parent.pid!] }]);
    await sleep(500);
    const [parentAlone] = await lone.sample([{ id: 'parent', pids: [tree.parent.pid!] }]);
    lone.close();
    expect(parentAlone!.processes).toBe(1);
    expect(parentAlone!.cpuPercent).toBeLessThan(usage.cpuPercent);
  });

  it('sees a provider’s memory grow when its child allocates', async () => {
    const tree = await startBusyTree();
    const monitor = monitorFor(await tempDir(), () => [{ id: 'busy', pids: [tree.parent.pid!] }]);
    const before = (await monitor.sampleNow()).providers[0]!;
    tree.parent.stdin!.write('alloc\n');
    await tree.waitFor('allocated');
    const after = (await monitor.sampleNow()).providers[0]!;
    expect(after.rssBytes - before.rssBytes).toBeGreaterThan(200 * MIB);
    const sample = monitor.latest()!;
    expect(sample.memory.totalBytes).toBe(os.totalmem());
    expect(sample.memory.usedBytes).toBeGreaterThan(after.rssBytes);
    expect(sample.disk.freeBytes).toBeGreaterThan(0);
    expect(sample.disk.totalBytes).toBeGreaterThan(sample.disk.freeBytes);
  });

  it('samples on its timer into the history, with GPUs and a provider’s VRAM from nvidia-smi', async () => {
    const tree = await startBusyTree();
    const dir = await tempDir();
    const apps = path.join(dir, 'apps.csv');
    await writeFile(
      apps,
      `${tree.childPid}, GPU-2d5b7a10-94c3-1e8f-b6a2-3c9d0e7f5a41, 2048\n999999, GPU-2d5b7a10-94c3-1e8f-b6a2-3c9d0e7f5a41, 10\n`,
    );
    process.env.STANDIN_NVIDIA_GPU_CSV = path.join(import.meta.dirname, '..', 'gpu', 'fixtures', 'nvidia-smi-stream-2gpu.csv');
    process.env.STANDIN_NVIDIA_APPS_CSV = apps;
    try {
      const monitor = monitorFor(
        dir,
        () => [{ id: 'busy', pids: [tree.parent.pid!] }],
        async () => new NvidiaSource({ command: [process.execPath, STAND_IN_SMI], intervalMs: 250 }),
      );
      const seen: ResourceSample[] = [];
      monitor.on('sample', (s) => seen.push(s));
      monitor.start();
      const deadline = Date.now() + 10_000;
      while (
        (seen.length < 4 || seen.at(-1)!.gpus.length < 2 || seen.at(-1)!.providers[0]?.vramBytes === undefined) &&
        Date.now() < deadline
      )
        await sleep(50);
      const last = seen.at(-1)!;
      expect(last.gpus.map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 3090', 'NVIDIA GeForce RTX 3060 Laptop GPU']);
      expect(last.providers[0]!.vramBytes).toBe(2048 * MIB);
      const history = monitor.history('1m');
      expect(history.samples.length).toBeGreaterThanOrEqual(4);
      expect(history.samples.at(-1)).toEqual(monitor.latest());
      expect(history.intervalMs).toBe(250);
      await monitor.close();
      const count = seen.length;
      await sleep(600);
      expect(seen.length).toBe(count);
    } finally {
      delete process.env.STANDIN_NVIDIA_GPU_CSV;
      delete process.env.STANDIN_NVIDIA_APPS_CSV;
    }
  });
});
