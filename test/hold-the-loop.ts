/**
 * Holds this process's event loop for `ms` at the end of the current turn (in an immediate), as a
 * host stopped with Ctrl-Z or starved of CPU is held: servers in other processes answer meanwhile,
 * their answers wait in the sockets, and the next turn of the loop runs every timer that came due
 * before it reads a single socket.
 */
export function holdTheLoopSoon(ms: number): void {
  setImmediate(() => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  });
}
