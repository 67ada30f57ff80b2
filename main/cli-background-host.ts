import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppFailure } from '../shared/errors';
import { colours, runningHost } from './cli-common';
import { readHostFile } from './host-file';
import { locate } from './node-api/connection';

/**
 * A command that needs a host when none runs (`start`, `restart`, `chat`): one is started in the
 * background, as `serve` would run it, and the command talks to it.
 */
export async function backgroundHost(): Promise<NonNullable<Awaited<ReturnType<typeof runningHost>>>> {
  await startBackgroundHost();
  const remote = await runningHost();
  if (!remote)
    throw new AppFailure({
      code: 'INTERNAL',
      message: 'The background host started but cannot be reached.',
      hint: 'Run "local-llm-manager serve" in a terminal to see why.',
    });
  return remote;
}

/**
 * The providers must outlive the command that needed a host, so a headless host is started
 * as a detached process (its output in logs/host.log), as `serve` would run it, and waited for.
 */
async function startBackgroundHost(): Promise<void> {
  const { paths } = await locate();
  await mkdir(paths.logs, { recursive: true });
  const logFile = path.join(paths.logs, 'host.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [process.argv[1]!, 'serve'], { detached: true, stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const host = await readHostFile(paths);
    if (host && host.pid === child.pid) {
      console.error(
        colours(process.stderr).dim(`Started a background host (pid ${host.pid}, ${host.origin}); "local-llm-manager shutdown" stops it.`),
      );
      return;
    }
    if (exited !== undefined) break;
    await sleep(200);
  }
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-6).join('\n');
  throw new AppFailure({
    code: 'INTERNAL',
    message: `The background host ${exited !== undefined ? `exited (code ${exited})` : 'did not come up within 60 s'}:\n${tail}`,
    hint: `Its output is in ${logFile}; "local-llm-manager serve" in a terminal shows it live.`,
  });
}
