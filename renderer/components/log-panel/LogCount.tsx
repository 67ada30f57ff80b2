import type { LogSnapshot } from '../../api/log-buffer';

/** "12,345 lines", "40 of 12,345 lines", and lines the host skipped. */
export function LogCount({ snapshot, shown, filtered }: { snapshot: LogSnapshot; shown: number; filtered: boolean }) {
  const total = snapshot.length.toLocaleString();
  return (
    <span className="log-count" data-testid="log-count" data-total={snapshot.length} data-shown={shown} data-dropped={snapshot.dropped}>
      {filtered ? `${shown.toLocaleString()} of ${total} lines` : `${total} ${snapshot.length === 1 ? 'line' : 'lines'}`}
      {snapshot.dropped > 0 && (
        <span className="log-dropped" title="Lines the host skipped to keep the view responsive; the log file has them all.">
          {' · '}
          {snapshot.dropped.toLocaleString()} dropped
        </span>
      )}
    </span>
  );
}
