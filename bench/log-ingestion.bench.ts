import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { LogService } from '../main/services/logs/logs';

// A provider printing 100,000 lines as fast as it can: how fast our log path (file with rotation,
// ring buffer, batched events) takes them, against a child whose output is merely drained.
// Lines per second = hz × 100,000.
const LINES = 100_000;
const printer = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'stand-ins', 'print-lines.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-logs-'));
const logs = new LogService({ dir });
let events = 0;
logs.on('lines', () => events++);
let run = 0;
// How long the host's event loop is blocked while it ingests: what a user would feel as UI lag.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

afterAll(async () => {
  loopDelay.disable();
  await logs.close();
  process.stdout.write(
    `\nlog events emitted: ${events}; event-loop delay while ingesting: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms\n`,
  );
});

function runPrinter(consume: (child: ReturnType<typeof spawn>) => void): Promise<void> {
  const child = spawn(process.execPath, [printer, String(LINES)], { stdio: ['ignore', 'pipe', 'ignore'] });
  consume(child);
  return new Promise((resolve) => child.stdout!.once('end', () => resolve()));
}

describe(`${LINES.toLocaleString('en')} lines from one provider`, () => {
  bench('drained only (baseline)', () => runPrinter((child) => child.stdout!.resume()), { iterations: 8, time: 0 });
  bench(
    'our log service',
    () => {
      loopDelay.enable();
      return runPrinter((child) => logs.attach(`bench-${run++ % 2}`, child.stdout!, 'stdout')).finally(() => loopDelay.disable());
    },
    { iterations: 8, time: 0 },
  );
});
