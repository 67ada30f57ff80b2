import type { Readable } from 'node:stream';
import { utilityProcess } from 'electron';
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
