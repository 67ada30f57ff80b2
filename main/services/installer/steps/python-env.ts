import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import which from 'which';
import { VENV_DIR, venvPythonPath } from '../../supervision/placeholders';
import { StepFailure, type StepContext } from '../step-context';
import { runCommand } from './run-command';

const run = promisify(execFile);

/** `>=3.10`, `>=3.10,<3.13`: the ranges recipes use. */
export function satisfiesPython(version: string, range: string): boolean {
  const parts = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return range
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .every((clause) => {
      const match = /^(>=|<=|==|>|<)\s*([\d.]+)$/.exec(clause);
      if (!match) return true;
      const c = compare(parts(version), parts(match[2]!));
      return { '>=': c >= 0, '<=': c <= 0, '==': c === 0, '>': c > 0, '<': c < 0 }[match[1] as '>=']!;
    });
}

async function findPython(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const name of process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']) {
    const found = await which(name, { nothrow: true, path: env.PATH ?? env.Path });
    if (found) return found;
  }
  return undefined;
}

/** A venv at data/<id>/venv from a Python in the recipe's range. */
export async function createVenv(ctx: StepContext, range: string): Promise<void> {
  const python = await findPython(ctx.env);
  if (!python)
    throw new StepFailure(`python3 was not found (${range} needed). Install Python ${range.replace('>=', '')} or newer and try again.`);
  const { stdout } = await run(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
  const version = stdout.trim();
  if (!satisfiesPython(version, range))
    throw new StepFailure(`python3 ${version} found, ${range} needed. Install a newer Python and try again.`);
  const venv = path.join(ctx.dataDir, VENV_DIR);
  if (existsSync(venv)) await rm(venv, { recursive: true, force: true });
  else await ctx.created(venv);
  await runCommand(ctx, [python, '-m', 'venv', venv], { cwd: ctx.dataDir });
}

/** Pinned packages into the venv: with uv when it is on PATH (much faster), else pip. */
export async function installPackages(ctx: StepContext, packages: string[]): Promise<void> {
  const python = venvPythonPath(ctx.dataDir);
  const cacheEnv = {
    PIP_CACHE_DIR: path.join(ctx.paths.cache, 'pip'),
    UV_CACHE_DIR: path.join(ctx.paths.cache, 'uv'),
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
  };
  const uv = await which('uv', { nothrow: true, path: ctx.env.PATH ?? ctx.env.Path });
  const argv = uv
    ? [uv, 'pip', 'install', '--python', python, ...packages]
    : [python, '-m', 'pip', 'install', '--progress-bar', 'off', ...packages];
  await runCommand(ctx, argv, { cwd: ctx.dataDir, env: cacheEnv });
}
