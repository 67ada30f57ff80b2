import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppFailure } from '../shared/errors';
import type { LogLine } from '../shared/provider';
import { colours, parse, runningHost, UsageError } from './cli-common';
import { ARGS } from './cli-options';
import { locate } from './node-api/connection';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (90s, 10m, 2h, 1d) or a date/time (2026-11-29T15:00). */
export function parseSince(value: string, now = Date.now()): number {
  const duration = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--since takes a duration (90s, 10m, 2h, 1d) or a date and time, got "${value}".`, 'logs');
  return at;
}

export async function runLogs(args: string[]): Promise<number> {
  const { values, positionals } = parse('logs', args, ARGS.logs);
  if (positionals.length !== 1) throw new UsageError('"logs" takes exactly one provider id, e.g. "logs llamacpp -f".', 'logs');
  const id = positionals[0]!;
  const limit = values.lines === undefined ? 200 : Number(values.lines);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError('--lines is a whole number from 1 to 100000.', 'logs');
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const c = colours();
  const print = (line: LogLine) => {
    if (values.json) return void process.stdout.write(`${JSON.stringify(line)}\n`);
    const time = c.dim(new Date(line.at).toISOString().slice(11, 19));
    const text = line.stream === 'stderr' ? c.yellow(line.text) : line.stream === 'system' ? c.cyan(line.text) : line.text;
    process.stdout.write(`${time} ${line.process ? `${c.dim(line.process)} ` : ''}${text}\n`);
  };
  const remote = await runningHost();
  if (!remote) {
    if (since !== undefined)
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: 'No host is running, and the log file alone does not say when each line was written, so --since cannot pick lines.',
        hint: 'Leave out --since (the file is shown), or start a host with "local-llm-manager serve".',
      });
    return followFile(id, limit, Boolean(values.follow), Boolean(values.json));
  }
  const api = remote.client;
  let last = -1;
  const show = (lines: LogLine[]) => {
    for (const line of lines) {
      if (line.seq <= last || (since !== undefined && line.at < since)) continue;
      last = line.seq;
      print(line);
    }
  };
  try {
    // Watch first, so nothing said between the tail and the watch is lost; seq drops repeats.
    const pending: LogLine[] = [];
    let canonical: string | undefined;
    if (values.follow) {
      api.on('logs.lines', (batch) =>
        canonical === undefined ? pending.push(...batch.lines) : batch.id === canonical && show(batch.lines),
      );
      canonical = (await api.invoke('logs.watch', { id })).id;
    }
    const tail = await api.invoke('logs.tail', { id, limit: since === undefined ? limit : 100_000 });
    show(since === undefined ? tail.lines : tail.lines.slice(-100_000));
    show(pending.splice(0));
    if (!values.follow) return 0;
    // Until Ctrl-C, or the host going away.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      void remote.closed.then(() => resolve());
    });
    return 0;
  } finally {
    remote.close();
  }
}

/** No host: the file logs/<id>.log, its last lines and, with -f, what is appended to it. */
async function followFile(id: string, limit: number, follow: boolean, json: boolean): Promise<number> {
  const { paths } = await locate();
  const file = path.join(paths.logs, `${id}.log`);
  const size = await stat(file).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === undefined)
    throw new AppFailure({
      code: 'NOT_FOUND',
      message: `No log for "${id}" (${file}).`,
      hint: 'A provider has a log once it was installed or started.',
    });
  const emit = (text: string) => {
    for (const line of text.split('\n').filter(Boolean))
      process.stdout.write(json ? `${JSON.stringify({ stream: 'file', text: line })}\n` : `${line}\n`);
  };
  const handle = await open(file, 'r');
  try {
    // The last `limit` lines, from at most 8 MiB of the end.
    const from = Math.max(0, size - 8 * 1024 * 1024);
    const buffer = Buffer.alloc(size - from);
    await handle.read(buffer, 0, buffer.length, from);
    emit(buffer.toString('utf8').split('\n').filter(Boolean).slice(-limit).join('\n'));
    let offset = size;
    let stopped = false;
    if (follow) process.once('SIGINT', () => (stopped = true));
    while (follow && !stopped) {
      await sleep(300);
      const now = (await handle.stat()).size;
      if (now < offset) offset = 0; // Rotated or truncated: start from its beginning.
      if (now === offset) continue;
      const chunk = Buffer.alloc(now - offset);
      await handle.read(chunk, 0, chunk.length, offset);
      offset = now;
      emit(chunk.toString('utf8'));
    }
    return 0;
  } finally {
    await handle.close();
  }
}
