import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { LogService } from '../main/services/logs';

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

afterAll(async () => {
  await logs.close();
  console.log(`log events emitted across all runs: ${events}`);
});

function runPrinter(consume: (child: ReturnType<typeof spawn>) => void): Promise<void> {
  const child = spawn(process.execPath, [printer, String(LINES)], { stdio: ['ignore', 'pipe', 'ignore'] });
  consume(child);
  return new Promise((resolve) => child.stdout!.once('end', () => resolve()));
}

describe(`${LINES.toLocaleString('en')} lines from one provider`, () => {
  bench('drained only (baseline)', () => runPrinter((child) => child.stdout!.resume()), { iterations: 8, time: 0 });
  bench('our log service', () => runPrinter((child) => logs.attach(`bench-${run++ % 2}`, child.stdout!, 'stdout')), {
    iterations: 8,
    time: 0,
  });
});
