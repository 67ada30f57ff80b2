import { AppFailure } from '../../../shared/errors';
import { logLineTest } from '../../../shared/log-pattern';
import type { LineSource } from '../../api/log-buffer';
import type { LogLine } from '../../../shared/provider';

export interface MatchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

export type Matcher = { ok: true; test: (text: string) => boolean } | { ok: false; error: string };

/**
 * Turns what the user typed into a test, the same one the host's search uses (RE2: a pattern can
 * never freeze the page); a pattern it cannot use is reported, not thrown.
 */
export function makeMatcher(query: string, options: MatchOptions): Matcher {
  try {
    return { ok: true, test: logLineTest(query, options) };
  } catch (error) {
    return { ok: false, error: error instanceof AppFailure && error.hint ? `${error.message} ${error.hint}` : (error as Error).message };
  }
}

/** First index whose line has `seq >= seq` (lines are in increasing seq), or `length`. */
export function lowerBoundBySeq(source: LineSource<{ seq: number; text: string }>, seq: number): number {
  let lo = 0;
  let hi = source.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (source.at(mid).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lines of a live buffer that match a filter, kept up to date incrementally: a new event
 * batch costs a scan of the new lines only, and evicted lines are dropped from the front.
 * Anything else (a new query, older lines merged in, a reset) rescans everything once.
 */
export class LineFilter {
  private key: unknown;
  private matches: LogLine[] = [];
  private firstSeq = -Infinity;
  private lastSeq = -Infinity;

  update(source: LineSource, key: unknown, test: (text: string) => boolean): LineSource {
    const first = source.length > 0 ? source.at(0).seq : undefined;
    const last = source.length > 0 ? source.at(source.length - 1).seq : undefined;
    const incremental = key === this.key && first !== undefined && last !== undefined && first >= this.firstSeq && last >= this.lastSeq;
    this.key = key;
    if (!incremental) this.matches = [];
    if (first === undefined || last === undefined) {
      this.firstSeq = this.lastSeq = -Infinity;
      return view(this.matches);
    }
    if (incremental && first > this.firstSeq) {
      // Lines fell off the front of the buffer: drop their matches too.
      const keepFrom = lowerBoundBySeq(view(this.matches), first);
      if (keepFrom > 0) this.matches = this.matches.slice(keepFrom);
    }
    // Seqs are integers: everything after the last line seen starts at lastSeq + 1.
    const scanFrom = incremental ? lowerBoundBySeq(source, this.lastSeq + 1) : 0;
    for (let i = scanFrom; i < source.length; i++) {
      const line = source.at(i);
      if (test(line.text)) this.matches.push(line);
    }
    this.firstSeq = first;
    this.lastSeq = last;
    return view(this.matches);
  }
}

/** A fresh wrapper each time (so React sees a change) over an array that only grows between rescans. */
function view(lines: LogLine[]): LineSource {
  const length = lines.length;
  return { length, at: (index) => lines[index]! };
}
