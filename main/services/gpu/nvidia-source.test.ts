import { existsSync, readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning } from '../os/process-tree';
import { tempDir } from '../../../test/temp-dir';
import { NO_GPUS } from './live-source';
import { NvidiaSource } from './nvidia-source';
import { openGpuSource } from './open-live-source';

const STAND_IN = path.join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'stand-ins', 'nvidia-smi.mjs');
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
const opened: NvidiaSource[] = [];
const MIB = 1024 * 1024;

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function open(env: Record<string, string>, options: { intervalMs?: number; minBackoffMs?: number } = {}) {
  const starts = path.join(await tempDir(), 'starts.txt');
  Object.assign(process.env, env, { STANDIN_NVIDIA_STARTS: starts });
  const source = new NvidiaSource({
    command: [process.execPath, STAND_IN],
    intervalMs: options.intervalMs ?? 100,
    minBackoffMs: options.minBackoffMs,
  });
  opened.push(source);
  const startCount = () => (existsSync(starts) ? readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0);
  return { source, startCount };
}

afterEach(() => {
  opened.splice(0).forEach((s) => s.close());
  for (const key of ['STANDIN_NVIDIA_GPU_CSV', 'STANDIN_NVIDIA_APPS_CSV', 'STANDIN_NVIDIA_EXIT_AFTER', 'STANDIN_NVIDIA_STARTS'])
    delete process.env[key];
});

describe('NvidiaSource', () => {
  it('reads both GPUs from one long-lived process as it streams', async () => {
    const { source, startCount } = await open({ STANDIN_NVIDIA_GPU_CSV: fixture('nvidia-smi-stream-2gpu.csv') });
    const seenUtil = new Set<number>();
    await until(
      () => {
        for (const gpu of source.readings()) if (gpu.index === 0) seenUtil.add(gpu.utilPercent!);
        return seenUtil.size;
      },
      (n) => n >= 3,
    );
    expect([...seenUtil].sort((a, b) => a - b)).toEqual([0, 63, 88]);
    expect(source.readings().map((g) => [g.index, g.name])).toEqual([
      [0, 'NVIDIA GeForce RTX 3090'],
      [1, 'NVIDIA GeForce RTX 3060 Laptop GPU'],
    ]);
    expect(source.readings()[0]).not.toHaveProperty('uuid');
    // Many samples, still the same process.
    expect(startCount()).toBe(1);
    expect(source.streamState.status).toBe('running');
  });

  it('starts nvidia-smi again when it dies, and the readings carry on', async () => {
    const { source, startCount } = await open(
      { STANDIN_NVIDIA_GPU_CSV: fixture('nvidia-smi-stream-1gpu.csv'), STANDIN_NVIDIA_EXIT_AFTER: '2' },
      { minBackoffMs: 50 },
    );
    expect(await until(startCount, (n) => n >= 3)).toBeGreaterThanOrEqual(3);
    expect(source.streamState.restarts).toBeGreaterThanOrEqual(2);
    expect(source.readings()).toHaveLength(1);
  });

  it('gives up quietly when nvidia-smi is not installed', async () => {
    const source = new NvidiaSource({ command: ['/nonexistent/bin/nvidia-smi'], intervalMs: 100, minBackoffMs: 10 });
    opened.push(source);
    const state = await until(
      () => source.streamState,
      (s) => s.status === 'unavailable',
      5_000,
    );
    expect(state.status).toBe('unavailable');
    await new Promise((r) => setTimeout(r, 100));
    expect(source.streamState.restarts).toBe(0);
    expect(source.readings()).toEqual([]);
    expect(await source.processMemory()).toEqual(new Map());
  });

  it('stops the per-process stream when nobody asked for a while', async () => {
    const source = new NvidiaSource({ command: [process.execPath, STAND_IN], intervalMs: 100, processIdleMs: 300 });
    opened.push(source);
    process.env.STANDIN_NVIDIA_GPU_CSV = fixture('nvidia-smi-stream-1gpu.csv');
    await source.processMemory();
    const appsPid = source.streamState.appsPid!;
    expect(isRunning(appsPid)).toBe(true);
    expect(
      await until(
        () => isRunning(appsPid),
        (running) => !running,
        5_000,
      ),
    ).toBe(false);
    expect(source.streamState.appsPid).toBeUndefined();
  });

  it('restarts the stream with the new interval, and close ends the process', async () => {
    const { source, startCount } = await open({ STANDIN_NVIDIA_GPU_CSV: fixture('nvidia-smi-stream-1gpu.csv') }, { intervalMs: 5_000 });
    await until(startCount, (n) => n >= 1);
    const firstPid = source.streamState.pid;
    source.setIntervalMs(100);
    expect(await until(startCount, (n) => n >= 2)).toBe(2);
    const secondPid = source.streamState.pid!;
    expect(secondPid).not.toBe(firstPid);
    expect(
      await until(
        () => isRunning(firstPid!),
        (running) => !running,
      ),
    ).toBe(false);
    source.close();
    expect(
      await until(
        () => isRunning(secondPid),
        (running) => !running,
      ),
    ).toBe(false);
  });

  it('streams GPU memory per process, summed over GPUs, and forgets a process that ends', async () => {
    const apps = path.join(await tempDir(), 'apps.csv');
    await writeFile(apps, await readFile(fixture('nvidia-smi-compute-apps.csv'), 'utf8'));
    const { source } = await open({ STANDIN_NVIDIA_GPU_CSV: fixture('nvidia-smi-stream-1gpu.csv'), STANDIN_NVIDIA_APPS_CSV: apps });
    const memory = await until(
      () => source.processMemory(),
      (m) => m.size === 2,
    );
    expect([...memory.entries()]).toEqual([
      [48213, 17920 * MIB],
      [48377, (1290 + 3096) * MIB],
    ]);
    const appsPid = source.streamState.appsPid!;
    await writeFile(apps, '48377, GPU-2d5b7a10-94c3-1e8f-b6a2-3c9d0e7f5a41, 1290\n');
    const later = await until(
      () => source.processMemory(),
      (m) => m.size === 1,
    );
    expect([...later.entries()]).toEqual([[48377, 1290 * MIB]]);
    // Still the one looping process.
    expect(source.streamState.appsPid).toBe(appsPid);
  });

  it('is chosen when nvidia-smi is on PATH, and nothing is spawned when no GPU tool is', async () => {
    const bin = await tempDir();
    await writeFile(path.join(bin, 'nvidia-smi'), `#!/bin/sh\nexec "${process.execPath}" "${STAND_IN}" "$@"\n`);
    await chmod(path.join(bin, 'nvidia-smi'), 0o755);
    process.env.STANDIN_NVIDIA_GPU_CSV = fixture('nvidia-smi-stream-1gpu.csv');
    const source = await openGpuSource(100, { PATH: bin });
    opened.push(source as NvidiaSource);
    expect(source.name).toBe('nvidia-smi');
    const readings = await until(
      () => source.readings(),
      (r) => r.length === 1,
    );
    expect(readings[0]!.name).toBe('NVIDIA GeForce RTX 4090');
    if (process.platform === 'linux') expect(await openGpuSource(100, { PATH: await tempDir() })).toBe(NO_GPUS);
  });
});
