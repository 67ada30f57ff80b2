import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { mountReadOnly, mountRefusal, mountTmpfs } from '../../../test/scratch-mounts';
import { LogService, type LogProblemEvent } from './logs';

/**
 * A real child that prints `count` lines of ~100 bytes and exits 0: at once (far more than a pipe
 * buffer holds, so it blocks in write unless we keep reading), or one every `everyMs`.
 */
function printer(count: number, everyMs = 0): ChildProcess {
  const script = `
    const [count, every] = process.argv.slice(1).map(Number);
    const pad = 'x'.repeat(90);
    let i = 0;
    const next = () => process.stdout.write('line ' + ++i + ' ' + pad + '\\n');
    if (every === 0) while (i < count) next();
    else { const t = setInterval(() => { next(); if (i >= count) clearInterval(t); }, every); }`;
  return spawn(process.execPath, ['-e', script, String(count), String(everyMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The child's exit code, or a failure naming the hang if it does not exit in time. */
async function exitOf(child: ChildProcess, ms = 15_000): Promise<number | null> {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (signal === 'SIGKILL') throw new Error(`the child did not exit within ${ms} ms: blocked writing its stdout?`);
  return code;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs a printer under `logs` as provider `p`; resolves once it exited and its last line is in the ring. */
async function runPrinter(logs: LogService, count: number, everyMs = 0, during?: (child: ChildProcess) => Promise<void>) {
  const child = printer(count, everyMs);
  logs.attach('p', child.stdout!, 'stdout', 'printer');
  logs.attach('p', child.stderr!, 'stderr', 'printer');
  await during?.(child);
  expect(await exitOf(child)).toBe(0);
  await until(() => texts(logs).includes(`line ${count} ${'x'.repeat(90)}`), 'the last line in the ring');
}

const texts = (logs: LogService) => logs.tail('p', 100_000).map((l) => l.text);
const systemLines = (logs: LogService) =>
  logs
    .tail('p', 100_000)
    .filter((l) => l.stream === 'system')
    .map((l) => l.text);

function problemsOf(logs: LogService): LogProblemEvent[] {
  const seen: LogProblemEvent[] = [];
  logs.on('problem', (event) => seen.push(event));
  return seen;
}

describe('LogService when the disk says no', () => {
  it('keeps a provider running on a full disk (a real 64 KiB tmpfs), in memory, and writes the disk again once there is room', async (ctx) => {
    if (mountRefusal) ctx.skip(`needs a tmpfs mount: ${mountRefusal}`);
    const dir = await tempDir();
    mountTmpfs(dir, '64k');
    // Fill most of it with something we can delete later, to give the room back.
    await writeFile(path.join(dir, 'filler'), Buffer.alloc(40 * 1024));
    const logs = new LogService({ dir, retryMs: 50, ringSize: 20_000 });
    const events = problemsOf(logs);
    await runPrinter(logs, 3_000);
    expect(texts(logs)).toHaveLength(3_000 + 1);
    expect(systemLines(logs)).toEqual([
      expect.stringMatching(
        /^could not write .*p\.log: ENOSPC: no space left on device.*; keeping the log in memory only \(trying the disk again in \d+ s\)$/,
      ),
    ]);
    expect(logs.problems()).toEqual([{ id: 'p', file: path.join(dir, 'p.log'), problem: expect.objectContaining({ code: 'ENOSPC' }) }]);
    expect(events).toEqual([{ id: 'p', file: path.join(dir, 'p.log'), problem: expect.objectContaining({ code: 'ENOSPC' }) }]);

    await rm(path.join(dir, 'filler'));
    // The disk is tried again on a write after the back-off (which grew with each failed retry).
    await until(() => {
      if (logs.problems().length > 0) logs.system('p', 'after the room came back');
      return logs.problems().length === 0;
    }, 'the problem to clear');
    expect(systemLines(logs).at(-1)).toMatch(
      /^writing .*p\.log again; \d+ bytes of output from the time it could not \(ENOSPC\) are in memory only$/,
    );
    expect(events.at(-1)).toEqual({ id: 'p', file: path.join(dir, 'p.log') });
    await logs.close();
    expect(await readFile(path.join(dir, 'p.log'), 'utf8')).toMatch(/after the room came back\n.*writing .*p\.log again/);
  });

  it('writes a new file when logs/ is deleted while a provider prints, and says so', async () => {
    const dir = path.join(await tempDir(), 'logs');
    await mkdir(dir);
    const logs = new LogService({ dir, checkMs: 20 });
    await runPrinter(logs, 150, 10, async () => {
      await until(() => texts(logs).length >= 20 && existsSync(path.join(dir, 'p.log')), 'the first lines');
      await rm(dir, { recursive: true, force: true });
    });
    expect(systemLines(logs)).toEqual([expect.stringMatching(/p\.log was removed \(ENOENT\); writing a new logs\/p\.log$/)]);
    await logs.close();
    const file = await readFile(path.join(dir, 'p.log'), 'utf8');
    expect(file).toContain(`line 150 ${'x'.repeat(90)}\n`);
    expect(file).not.toContain('line 1 ');
  });

  it('keeps the log in memory when the folder is read-only (a real read-only mount)', async (ctx) => {
    if (mountRefusal) ctx.skip(`needs a bind mount: ${mountRefusal}`);
    const dir = await tempDir();
    mountReadOnly(dir);
    const logs = new LogService({ dir });
    const events = problemsOf(logs);
    await runPrinter(logs, 3_000);
    expect(texts(logs)).toHaveLength(3_000 + 1);
    expect(systemLines(logs)).toEqual([
      expect.stringMatching(/^could not write .*p\.log: EROFS: read-only file system.*; keeping the log in memory only/),
    ]);
    expect(events).toEqual([expect.objectContaining({ id: 'p', problem: expect.objectContaining({ code: 'EROFS' }) })]);
    await logs.close();
  });

  it('keeps the log in memory when the logs path is a file, and tries again only after the back-off', async () => {
    const dir = path.join(await tempDir(), 'logs');
    await writeFile(dir, 'not a folder');
    const logs = new LogService({ dir, retryMs: 60_000 });
    await runPrinter(logs, 3_000);
    logs.system('p', 'still here');
    expect(texts(logs)).toHaveLength(3_000 + 2);
    // Said once, not once per write.
    expect(systemLines(logs)).toEqual([
      expect.stringMatching(/^could not write logs\/p\.log: ENOTDIR: not a directory.*\(trying the disk again in 60 s\)$/),
      'still here',
    ]);
    expect(logs.problems()).toEqual([expect.objectContaining({ problem: expect.objectContaining({ code: 'ENOTDIR' }) })]);
    await logs.close();
  });

  it('never pauses a provider for a slow disk: output beyond the queue cap is kept in memory only, and the gap is reported', async () => {
    const dir = await tempDir();
    // A queue cap this small means the disk is "behind" all the time.
    const logs = new LogService({ dir, maxQueuedBytes: 1 });
    await runPrinter(logs, 3_000);
    await new Promise((r) => setTimeout(r, 50));
    logs.system('p', 'done');
    await logs.close();
    // A note when it first caught up, and maybe one at close for what was skipped since: not one per chunk.
    const gap = /^the disk could not keep up: \d+ bytes of output are missing from .*p\.log \(kept in memory only\)$/;
    const notes = systemLines(logs).filter((line) => line !== 'done');
    expect(notes.length).toBeGreaterThanOrEqual(1);
    expect(notes.length).toBeLessThanOrEqual(2);
    for (const note of notes) expect(note).toMatch(gap);
    expect(texts(logs).filter((t) => t.startsWith('line '))).toHaveLength(3_000);
  });
});
