import { formatDuration } from '../../format/duration';
import { useNow } from '../../hooks/use-now';

/** Ticks once a second from the host's `startedAt`; only mounted while there is a start time. */
export function Uptime({ startedAt }: { startedAt: string }) {
  const now = useNow();
  const started = Date.parse(startedAt);
  return (
    <time dateTime={startedAt} title={`Started ${new Date(started).toLocaleString()}`}>
      {formatDuration(Math.max(0, now - started))}
    </time>
  );
}
