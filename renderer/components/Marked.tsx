import { Fragment } from 'react';

/** Text with the given [start, end) ranges in <mark>: the words a search found. */
export function Marked({ text, marks }: { text: string; marks: ReadonlyArray<readonly [number, number]> }) {
  if (marks.length === 0) return <>{text}</>;
  const pieces = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at || end > text.length) continue;
    pieces.push(<Fragment key={`t${at}`}>{text.slice(at, start)}</Fragment>, <mark key={`m${start}`}>{text.slice(start, end)}</mark>);
    at = end;
  }
  pieces.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>);
  return <>{pieces}</>;
}
