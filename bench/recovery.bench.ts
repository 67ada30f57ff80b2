import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { LogService } from '../main/services/logs/logs';
import { ensureLayout, pathsFor } from '../main/services/base-dir/paths';
import { expandPlaceholders } from '../main/services/supervision/placeholders';
import { pickPort } from '../main/services/os/ports';
import { isRunning } from '../main/services/os/process-tree';
import { Supervisor } from '../main/services/supervision/supervisor';
import { BUILT_IN_DEFAULTS } from '../shared/settings';
import { STAND_IN_LLAMA_SERVER, standInRecipe } from '../test/stand-in';

// Time from SIGKILL of a provider to its health endpoint answering again: our supervisor vs pm2
// supervising the same stand-in llama-server, in one run. Both restart at once (our 1 s backoff
// base is set to 0 here, pm2's restart_delay is 0 by default); readiness is seen the same way for
// both, by polling /health every 5 ms from outside.
const root = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-recovery-'));
const paths = pathsFor(path.join(root, 'base'));
await ensureLayout(paths);
const logs = new LogService({ dir: paths.logs });
const settings = { ...BUILT_IN_DEFAULTS, restartLimit: 100_000, restartWindowSec: 10, healthIntervalSec: 3600 };
const supervisor = new Supervisor({ paths, logs, settings: () => settings, expand: expandPlaceholders, restartBaseDelayMs: 0 });
const ourPort = await pickPort(21500);
const ours = await supervisor.start(standInRecipe({ defaultPort: ourPort }));
let ourPid = ours.pid!;
supervisor.on('state', (s) => {
  if (s.pid) ourPid = s.pid;
});

const pm2Port = await pickPort(22500);
const pm2Bin = path.join(import.meta.dirname, '..', 'node_modules', '.bin', 'pm2');
const pm2Side = spawn(
  process.execPath,
  [path.join(import.meta.dirname, 'support', 'pm2-recovery.mjs'), pm2Bin, STAND_IN_LLAMA_SERVER, String(pm2Port), path.join(root, 'pm2')],
  { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH, HOME: process.env.HOME } },
);
const pm2Lines = createInterface({ input: pm2Side.stdout! })[Symbol.asyncIterator]();
const nextLine = async () => {
  const { value, done } = await pm2Lines.next();
  if (done) throw new Error('the pm2 side exited');
  return value as string;
};
if ((await nextLine()) !== 'ready') throw new Error('pm2 side did not start');

/** Kills the provider's process, waits until it is really gone, then until /health answers again. */
async function killAndTimeRecovery(pid: number, port: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  while (isRunning(pid)) await new Promise((r) => setTimeout(r, 1));
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // down: keep polling
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

afterAll(async () => {
  await supervisor.stopAll();
  await logs.close();
  pm2Side.stdin!.end();
});

describe('SIGKILL → healthy again', () => {
  bench('our supervisor', () => killAndTimeRecovery(ourPid, ourPort), { iterations: 15, time: 0, warmupIterations: 1 });
  bench(
    'pm2',
    async () => {
      pm2Side.stdin!.write('kill\n');
      await nextLine();
    },
    { iterations: 15, time: 0, warmupIterations: 1 },
  );
});
