import { execa } from 'execa';
import { killGroupsNow } from './process-tree';

export interface BoundedRun {
  /** Undefined when it could not be started or was killed. */
  exitCode?: number;
  stdout: string;
  /** stdout and stderr interleaved, as a person would have seen them. */
  all: string;
  timedOut: boolean;
}

/**
 * Runs a short query command (`--version`, `nvidia-smi --query-gpu`) that must not hang the
 * caller. Our own timer, not execa's: a wrapper script's grandchild would keep the pipes open past
 * a plain kill, so the whole process group goes.
 */
export async function runBounded(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<BoundedRun> {
  const windows = process.platform === 'win32';
  // Node refuses to spawn .cmd/.bat files (npm.cmd) without a shell; the arguments are ours, not
  // the user's, and the path is quoted since a shell command line is split on spaces.
  const viaShell = windows && /\.(cmd|bat)$/i.test(file);
  const child = execa(viaShell ? `"${file}"` : file, args, {
    env: options.env ?? process.env,
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: !windows,
    shell: viaShell,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) killGroupsNow([child.pid]);
  }, options.timeoutMs ?? 8000);
  const result = await child;
  clearTimeout(timer);
  return {
    ...(typeof result.exitCode === 'number' && !timedOut ? { exitCode: result.exitCode } : {}),
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    all: typeof result.all === 'string' ? result.all : '',
    timedOut,
  };
}
