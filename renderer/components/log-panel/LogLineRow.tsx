import type { CSSProperties } from 'react';
import { formatClock } from '../../format/duration';
import type { ViewLine } from './view-line';

/** One line: time (or file:line for search matches), the process that printed it, the text. */
export function LogLineRow({ line, style }: { line: ViewLine; style: CSSProperties }) {
  const stream = line.stream ?? 'file';
  return (
    <div className={`log-line log-${stream}`} data-testid="log-line" data-stream={stream} data-seq={line.seq} style={style}>
      {line.location !== undefined ? (
        <span className="log-time" title={line.file}>
          {line.location}
        </span>
      ) : (
        line.at !== undefined && <span className="log-time">{formatClock(line.at)}</span>
      )}
      {line.process && <span className="log-process">{line.process}</span>}
      <span className="log-text">{line.text}</span>
    </div>
  );
}
