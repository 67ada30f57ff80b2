// How the npm scripts hand over to the app without doubling signals.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { outDir } from './build.mjs';

/** Runs the built CLI in this very process (it exits the process itself when done). */
export async function runCliInProcess(args) {
  const cli = path.join(outDir, 'main', 'cli.js');
  process.argv = [process.argv[0], cli, ...args];
  await import(pathToFileURL(cli).href);
}

/**
 * For a child that must be a separate program (Electron): pass on a signal the child may not have
 * had (npm forwards to us alone), but each kind once per second at most, because a Ctrl-C reaches
 * the child from the terminal as well and it must not count as a second ask.
 */
export function forwardSignalsOnce(child, windowMs = 1000) {
  const lastSent = new Map();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      const now = Date.now();
      if (now - (lastSent.get(signal) ?? 0) < windowMs) return;
      lastSent.set(signal, now);
      child.kill(signal);
    });
  }
}
