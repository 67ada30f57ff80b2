import type { LineSource } from '../../api/log-buffer';
import type { LogSearchMatch, LogStream } from '../../../shared/provider';

/**
 * What one row of the log view shows. A live LogLine is one; a file search match becomes one with
 * a `location` (file:line) instead of a time and stream, and its index as `seq`.
 */
export interface ViewLine {
  seq: number;
  text: string;
  at?: number;
  stream?: LogStream;
  process?: string;
  /** "ollama.log.1:120" for search matches; the full path is in `file`. */
  location?: string;
  file?: string;
}

export type ViewSource = LineSource<ViewLine>;

/** No lines: a filter with a broken regular expression, a search still running. */
export const NO_LINES: ViewSource = {
  length: 0,
  at: (index) => {
    throw new RangeError(`No line ${index}: the view is empty.`);
  },
};

export function searchMatchesToSource(matches: readonly LogSearchMatch[]): ViewSource {
  const lines = matches.map((match, index): ViewLine => ({
    seq: index,
    text: match.text,
    location: `${baseName(match.file)}:${match.line}`,
    file: match.file,
  }));
  return { length: lines.length, at: (index) => lines[index]! };
}

/** The renderer has no node:path; files come from the host with either separator. */
function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
