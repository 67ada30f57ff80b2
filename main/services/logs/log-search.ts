import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LogSearchMatch } from '../../../shared/provider';
import { LineSplitter } from './line-splitter';

export interface LogQuery {
  text: string;
  regex: boolean;
  caseSensitive: boolean;
  limit: number;
}

export interface SearchLimits {
  /** The most bytes one search reads and matches, counted from the newest end of the newest file. */
  maxBytes: number;
  /** Longer lines are searched in their first this many characters. */
  maxLineChars: number;
}

/**
 * Searches `files` (oldest first) line by line and keeps the newest `limit` matches. It reads at
 * most `maxBytes`, the newest ones: older files are skipped and the oldest file read is started
 * part way (its line numbers still counted, by a scan for newlines that matches nothing). It
 * yields to the event loop after every chunk, so a search never holds the host up for long.
 */
export async function searchFiles(
  files: string[],
  test: (line: string) => boolean,
  limit: number,
  limits: SearchLimits,
): Promise<{ matches: LogSearchMatch[]; truncated: boolean }> {
  const { plan, cut } = await planReads(files, limits.maxBytes);
  const matches: LogSearchMatch[] = [];
  let truncated = cut;
  for (const { file, start } of plan) {
    let lineNo = start > 0 ? await countLines(file, start) : 0;
    const splitter = new LineSplitter(limits.maxLineChars, '');
    const onLine = (text: string) => {
      lineNo++;
      if (!test(text)) return;
      matches.push({ file, line: lineNo, text });
      // Keep the newest `limit`: a search is usually for what just happened.
      if (matches.length > limit) {
        matches.shift();
        truncated = true;
      }
    };
    const decoder = new StringDecoder('utf8');
    try {
      for await (const chunk of createReadStream(file, { start, highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
        for (const line of splitter.push(decoder.write(chunk))) onLine(line);
        await nextTurn();
      }
    } catch (error) {
      // Rotated away or removed between planning and reading: search what is left.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const line of splitter.push(decoder.end())) onLine(line);
    for (const line of splitter.flush()) onLine(line);
  }
  return { matches, truncated };
}

/** Which files to read and from where, so that at most `maxBytes` are read, the newest ones. */
async function planReads(files: string[], maxBytes: number): Promise<{ plan: Array<{ file: string; start: number }>; cut: boolean }> {
  const sizes = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (s) => (s.isFile() ? s.size : undefined),
        () => undefined,
      ),
    ),
  );
  const plan: Array<{ file: string; start: number }> = [];
  let budget = maxBytes;
  let cut = false;
  for (let i = files.length - 1; i >= 0; i--) {
    const size = sizes[i];
    if (size === undefined || size === 0) continue;
    if (budget === 0) {
      cut = true;
      continue;
    }
    const start = Math.max(0, size - budget);
    if (start > 0) cut = true;
    plan.unshift({ file: files[i]!, start });
    budget -= size - start;
  }
  return { plan, cut };
}

/**
 * How many lines end before `end`, so that the line numbers a search started part way reports
 * stay those of the file (the first, partial line read gets the number of the line it is part
 * of). A byte scan for newlines, no regex and no strings; it yields like the search.
 */
async function countLines(file: string, end: number): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file, { end: end - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    await nextTurn();
  }
  return lines;
}
