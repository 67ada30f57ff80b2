import { RE2JS, RE2JSSyntaxException } from 're2js';
import { AppFailure } from './errors';

export interface LogPatternOptions {
  regex: boolean;
  caseSensitive: boolean;
}

/**
 * The line test for what a user typed into a log search or filter, the same on the host (search
 * on disk) and in the UI (filter of the live lines). Regular expressions run on RE2 (re2js),
 * whose time is linear in the text whatever the pattern: a user's `(a+)+$` cannot freeze the
 * host or the page the way a backtracking engine (JavaScript's RegExp) would. The price is the
 * few features RE2 leaves out; those get an error that says which, and what to do instead.
 * Throws an `AppFailure` (BAD_REQUEST) for a pattern it cannot use.
 */
export function logLineTest(text: string, { regex, caseSensitive }: LogPatternOptions): (line: string) => boolean {
  if (!regex) {
    const needle = caseSensitive ? text : text.toLowerCase();
    return caseSensitive ? (line) => line.includes(needle) : (line) => line.toLowerCase().includes(needle);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(text, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw badPattern(text, error);
  }
  return (line) => re.test(line);
}

const WHY = 'it uses a linear-time engine (RE2) so that no pattern can freeze the app';

function badPattern(pattern: string, error: unknown): AppFailure {
  if (/\\[1-9]|\\k</.test(pattern)) {
    return new AppFailure({
      code: 'BAD_REQUEST',
      message: `Backreferences (\\1, \\k<name>) are not supported in log search: ${WHY}.`,
      hint: 'Write out the text the group should repeat, or search for it as plain text.',
    });
  }
  if (/\(\?<?[=!]/.test(pattern)) {
    return new AppFailure({
      code: 'BAD_REQUEST',
      message: `Lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported in log search: ${WHY}.`,
      hint: 'Match the surrounding text as part of the pattern instead, or narrow the search in two steps.',
    });
  }
  const reason = error instanceof RE2JSSyntaxException ? error.getDescription() : (error as Error).message;
  return new AppFailure({
    code: 'BAD_REQUEST',
    message: `Not a valid regular expression: ${reason}.`,
    hint: 'Fix the expression (RE2 syntax, much like JavaScript’s), or turn off regular-expression search to look for the plain text.',
  });
}
