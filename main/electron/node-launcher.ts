import path from 'node:path';
import type { Readable } from 'node:stream';
import { utilityProcess, type UtilityProcess } from 'electron';
import type { ForkRelayMessage } from '../engine/fork-relay';
import type { NodeLauncher, ProcessExit } from '../services/supervision/started-process';

/**
 * `{node}` processes (the built-in engine, node build steps) as Electron utility processes: the
 * RunAsNode fuse is off in packaged builds, so Electron's binary cannot be started as plain Node.
 *
 * A utility process is a child of this main process, not the leader of its own process group:
 * the supervisor stops it by PID (SIGTERM to it and the processes under it, SIGKILL after the grace
 * period; taskkill on Windows), kills it by PID at exit, and a run record names it by PID, command
 * line and start time like any other. Chromium also ends a child whose main process went away.
 */
export const utilityProcessLauncher: NodeLauncher = (launch) => {
  const child = utilityProcess.fork(launch.modulePath, launch.args, {
    env: launch.env,
    cwd: launch.cwd,
    execArgv: launch.execArgv,
    stdio: 'pipe',
    serviceName: launch.name,
  });
  let started = false;
  const spawned = new Promise<void>((resolve) => {
    child.once('spawn', () => {
      started = true;
      resolve();
    });
    child.once('exit', () => resolve());
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code) =>
      resolve(
        started
          ? { code, signal: null }
          : {
              code: null,
              signal: null,
              spawnError: Object.assign(new Error(`the utility process did not start (exit code ${code})`), { code: 'ENOEXEC' }),
            },
      ),
    );
  });
  relayForks(child);
  // V8's fatal errors come here before 'exit' (which always follows); without a listener an
  // 'error' event would throw in the main process. Its report is on the child's stderr.
  child.on('error', () => {});
  return {
    get pid() {
      return child.pid;
    },
    // Electron's stdout/stderr for a utility process are Node Readables (its IOReadable), typed loosely.
    stdout: child.stdout as Readable | null,
    stderr: child.stderr as Readable | null,
    ownGroup: false,
    spawned,
    exited,
  };
};

/**
 * Forks asked for by a utility process (main/engine/fork-relay.ts): node-llama-cpp's check of a
 * prebuilt binary, run as a utility process of its own with messages relayed both ways. Only that
 * module is forked; the checks end with the process that asked for them.
 */
function relayForks(parent: UtilityProcess): void {
  const forks = new Map<number, UtilityProcess>();
  // A check can outlive the process that asked for it by a moment: no one left to tell.
  const tell = (message: ForkRelayMessage) => {
    if (parent.pid !== undefined) parent.postMessage(message);
  };
  parent.on('message', (data: unknown) => {
    const message = data as ForkRelayMessage;
    if (message?.type === 'fork') {
      const parts = message.modulePath.split(/[\\/]/);
      if (!parts.includes('node-llama-cpp') || !path.basename(message.modulePath).startsWith('testBindingBinary')) {
        return tell({ type: 'fork-exit', id: message.id, code: -1 });
      }
      const env = Object.fromEntries(Object.entries(message.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
      const check = utilityProcess.fork(message.modulePath, message.args, { env, stdio: 'ignore', serviceName: 'llama.cpp binary check' });
      forks.set(message.id, check);
      check.on('message', (reply: unknown) => tell({ type: 'fork-message', id: message.id, message: reply }));
      check.on('error', () => {}); // 'exit' follows
      check.once('exit', (code) => {
        forks.delete(message.id);
        tell({ type: 'fork-exit', id: message.id, code });
      });
    } else if (message?.type === 'fork-send') forks.get(message.id)?.postMessage(message.message);
    else if (message?.type === 'fork-kill') forks.get(message.id)?.kill();
  });
  parent.once('exit', () => {
    for (const check of forks.values()) check.kill();
  });
}
