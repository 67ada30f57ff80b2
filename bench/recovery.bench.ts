import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { isRunning } from '../main/services/os/process-tree';
import { freshDirs, startCliHost } from '../e2e/support/host-process';
import { writeStandInRecipe } from '../e2e/support/stand-in-recipe';
import { connectClient } from '../e2e/support/ws-client';
import { STAND_IN_LLAMA_SERVER } from '../test/stand-in';

// SIGKILL → healthy again, as users run it: the provider started by the real host (`serve`, with
// every default a user gets: restart limit, window, backoff, health interval; discovery and
// sampling running), against pm2 supervising the same stand-in llama-server, in one run. Each
// round lets the provider serve for 1.5 s first, then kills it (the scenario: three kills
// 1.5 s apart); readiness is seen the same way on both sides, by polling /health every 5 ms from
// outside. pm2's restart_delay is 0 by default; ours restarts at once a provider that had been
// serving and backs off only in a crash loop. Needs the build (out/main/cli.js): npm run build.
const KILLS = 3;
const SERVE_MS = 1_500;
const times = { ours: [] as number[], pm2: [] as number[] };

const dirs = await freshDirs();
const ourPort = await pickPort(21500);
await writeStandInRecipe(dirs.baseDir, { port: ourPort });
const host = await startCliHost(dirs);
const { client, close } = await connectClient(host.origin, host.token);
const started = await client.invoke('providers.start', { id: 'standin' });
if (started.status !== 'running') throw new Error(`the stand-in did not start: ${started.reason}`);
let ourPid = started.pid!;

const pm2Port = await pickPort(22500);
const pm2Bin = path.join(import.meta.dirname, '..', 'node_modules', '.bin', 'pm2');
const pm2Side = spawn(
  process.execPath,
  [
    path.join(import.meta.dirname, 'support', 'pm2-recovery.mjs'),
    pm2Bin,
    STAND_IN_LLAMA_SERVER,
    String(pm2Port),
    path.join(dirs.baseDir, '..', 'pm2'),
  ],
  // The same environment the host (and so its providers) gets: a fair boot for both stand-ins.
  { stdio: ['pipe', 'pipe', 'inherit'], env: process.env },
);
const pm2Lines = createInterface({ input: pm2Side.stdout! })[Symbol.asyncIterator]();
const nextLine = async () => {
  const { value, done } = await pm2Lines.next();
  if (done) throw new Error('the pm2 side exited');
  return value as string;
};
if ((await nextLine()) !== 'ready') throw new Error('pm2 side did not start');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills the host's provider, waits until it is really gone, then until /health answers again. */
async function killOursAndTime(): Promise<void> {
  await sleep(SERVE_MS);
  const began = performance.now();
  process.kill(ourPid, 'SIGKILL');
  while (isRunning(ourPid)) await sleep(1);
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${ourPort}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(5);
  }
  times.ours.push(performance.now() - began);
  // The next round kills the new process.
  for (;;) {
    const { state } = await client.invoke('providers.get', { id: 'standin' });
    if (state.pid && state.pid !== ourPid && state.status === 'running') {
      ourPid = state.pid;
      return;
    }
    await sleep(5);
  }
}

async function killPm2AndTime(): Promise<void> {
  await sleep(SERVE_MS);
  const began = performance.now();
  pm2Side.stdin!.write('kill\n');
  await nextLine();
  times.pm2.push(performance.now() - began);
}

afterAll(async () => {
  pm2Side.stdin!.end();
  close();
  await host.stop('SIGTERM');
  const ms = (list: number[]) => list.map((t) => t.toFixed(0)).join(', ');
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
  process.stdout.write(
    `\nSIGKILL → healthy again (ms), ${KILLS} kills ${SERVE_MS / 1000} s apart, defaults:\n` +
      `  our host: ${ms(times.ours)}\n  pm2:      ${ms(times.pm2)}\n` +
      `  ratio ours/pm2 (mean): ${(mean(times.ours) / mean(times.pm2)).toFixed(2)}× (≤ 1 is the target)\n`,
  );
});

describe('SIGKILL → healthy again', () => {
  bench('our host (defaults)', killOursAndTime, { iterations: KILLS, time: 0, warmupIterations: 0, warmupTime: 0 });
  bench('pm2', killPm2AndTime, { iterations: KILLS, time: 0, warmupIterations: 0, warmupTime: 0 });
});
