/** A timer that fires this much after it was due was held up by this process, not by the one it waits on. */
export const HELD_MS = 250;

/**
 * A deadline for an answer from another process that does not count time this process itself
 * did not run. When the host is stopped (Ctrl-Z on `serve`) or starved, the server it waits on
 * may answer, or take the connection, meanwhile; but the host's next turn of the loop runs every
 * timer that came due before it reads a single socket, and a plain timeout would blame the server.
 * A deadline that fires held up (late by more than HELD_MS) waits its full time once more instead.
 * Returns the function that cancels it.
 */
export function waitDeadline(ms: number, onExpired: () => void): () => void {
  let due = performance.now() + ms;
  let extended = false;
  let timer: NodeJS.Timeout;
  const arm = () => {
    timer = setTimeout(fire, Math.max(0, ms));
    timer.unref();
  };
  const fire = () => {
    const now = performance.now();
    if (!extended && now - due > HELD_MS) {
      extended = true;
      due = now + ms;
      arm();
      return;
    }
    onExpired();
  };
  arm();
  return () => clearTimeout(timer);
}
