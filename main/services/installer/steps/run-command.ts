import path from 'node:path';
import { ManagedProcess } from '../../supervision/managed-process';
import { StepFailure, type StepContext } from '../step-context';

// cmake/make print "[ 45%] Building …": the nearest thing to a build's own progress.
const BUILD_PERCENT = /^\[\s*(\d{1,3})%\]/;

/**
 * Runs one command of an install (argv, never a shell) in its own process group, output into the
 * install log. An abort kills its whole process tree; a non-zero exit fails the step with its code.
 */
export async function runCommand(
  ctx: StepContext,
  argv: string[],
  options: { cwd: string; env?: Record<string, string>; runtime?: 'node' },
): Promise<void> {
  if (ctx.signal.aborted) throw ctx.signal.reason;
  ctx.logs.system(ctx.logId, `$ ${argv.join(' ')}   (in ${options.cwd})`);
  const onLines = (batch: { id: string; lines: Array<{ text: string }> }) => {
    if (batch.id !== ctx.logId) return;
    for (const line of batch.lines) {
      const match = BUILD_PERCENT.exec(line.text);
      if (match) ctx.progress(Math.min(100, Number(match[1])), line.text.slice(0, 120));
    }
  };
  ctx.logs.on('lines', onLines);
  const child = new ManagedProcess(
    {
      providerId: ctx.logId,
      name: path.basename(argv[0]!),
      argv,
      env: { ...definedOnly(ctx.env), ...options.env },
      cwd: options.cwd,
      ...(options.runtime ? { runtime: options.runtime } : {}),
    },
    ctx.logs,
    ctx.nodeLauncher,
  );
  let stopping: Promise<unknown> | undefined;
  const abort = () => void (stopping ??= child.stop(2_000));
  ctx.signal.addEventListener('abort', abort, { once: true });
  if (ctx.signal.aborted) abort();
  try {
    // If the app dies under this step, the next start finds this process group by it and kills it.
    // The command as the OS shows it and the start time, so a reused PID is never taken for it.
    const identity = await child.identity();
    if (identity) await ctx.remember('stepProcess', JSON.stringify(identity));
    const exit = await child.exited;
    if (ctx.signal.aborted) {
      // The whole tree is gone before the step counts as cancelled.
      await (stopping ?? child.stop(2_000));
      throw ctx.signal.reason;
    }
    if (exit.spawnError) {
      throw new StepFailure(
        exit.spawnError.code === 'ENOENT'
          ? `"${argv[0]}" was not found. Install it, or fix the PATH.`
          : `Could not run "${argv[0]}": ${exit.spawnError.message}`,
      );
    }
    if (exit.code !== 0)
      throw new StepFailure(
        `"${argv.join(' ')}" ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}.`,
        exit.code ?? undefined,
      );
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    ctx.logs.off('lines', onLines);
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
