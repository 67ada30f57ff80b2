import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { simpleGit, type SimpleGit, type SimpleGitProgressEvent } from 'simple-git';
import { StepFailure, type StepContext } from '../step-context';

/** A local path becomes a file:// URL, so git honours --depth for it too. */
export function repositoryUrl(repository: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repository) || /^[\w.-]+@[\w.-]+:/.test(repository)) return repository;
  return pathToFileURL(path.resolve(repository)).href;
}

// simple-git refuses environments that name an editor, pager, SSH command, askpass or config path
// (a guard against injected input). This is the user's own environment, and private repositories
// need their SSH command and askpass; editors and pagers are of no use to a clone, so they go.
const DROPPED = new Set(['EDITOR', 'VISUAL', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'PAGER', 'GIT_PAGER']);
const gitEnv = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([key]) => !DROPPED.has(key.toUpperCase())));

function git(ctx: StepContext, cwd?: string): SimpleGit {
  const env = { ...gitEnv(ctx.env), GIT_TERMINAL_PROMPT: '0' };
  return simpleGit({
    allowEnvironment: Object.keys(env),
    // Checking out a tag is meant: the detached-HEAD lecture is noise in an install log.
    config: ['advice.detachedHead=false'],
    baseDir: cwd,
    abort: ctx.signal,
    unsafe: { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeConfigPaths: true },
    progress: ({ stage, progress, processed, total }: SimpleGitProgressEvent) =>
      ctx.progress(progress, total ? `${stage}: ${processed} of ${total}` : stage),
  })
    .env(env)
    .outputHandler((_command, stdout, stderr) => {
      // Copies: simple-git reads the originals as Buffers, which a decoding reader would break.
      ctx.logs.attach(ctx.logId, (stdout as unknown as Readable).pipe(new PassThrough()), 'stdout', 'git');
      ctx.logs.attach(ctx.logId, (stderr as unknown as Readable).pipe(new PassThrough()), 'stderr', 'git');
    });
}

/**
 * Clones the repository at the pinned version into the data folder: shallow (one commit) when the
 * version is a tag or branch, else a full clone and a checkout of the commit.
 */
export async function cloneRepository(ctx: StepContext, repository: string, version: string | undefined): Promise<void> {
  const url = repositoryUrl(repository);
  // A clone cut short by a crash is not worth keeping: start it over.
  if (existsSync(ctx.dataDir)) await rm(ctx.dataDir, { recursive: true, force: true });
  await ctx.created(ctx.dataDir);
  ctx.logs.system(ctx.logId, `cloning ${url}${version ? ` at ${version}` : ''} into ${ctx.dataDir}`);
  try {
    const shallow = ['--depth', '1', ...(version ? ['--branch', version] : [])];
    try {
      await git(ctx).clone(url, ctx.dataDir, shallow);
    } catch (error) {
      // Only "no such tag or branch" can mean a commit; a network, auth or missing-repository
      // failure would fail the full clone too, after a misleading log line.
      if (ctx.signal.aborted || !version || !refNotFound(error)) throw error;
      // Not a tag or branch: a commit. Fetch it whole and check it out.
      ctx.logs.system(ctx.logId, `${version} is not a tag or branch; cloning in full to check out the commit`);
      await rm(ctx.dataDir, { recursive: true, force: true });
      await git(ctx).clone(url, ctx.dataDir, ['--no-checkout']);
      await git(ctx, ctx.dataDir).checkout(version);
    }
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const unreachable = UNREACHABLE.test((error as Error).message)
      ? ` Check the network (and https_proxy, if you use one), or set providers.${ctx.recipe.id}.install.repository to a mirror or a local clone.`
      : '';
    throw new StepFailure(`git could not clone ${url}${version ? ` at ${version}` : ''}: ${gitMessage(error)}${unreachable}`);
  }
}

/** Update: fetch the new version and check it out, remembering the commit before for a rollback. */
export async function checkoutVersion(ctx: StepContext, repository: string, version: string | undefined): Promise<void> {
  const repo = git(ctx, ctx.dataDir);
  try {
    if (!ctx.recall('previousHead')) await ctx.remember('previousHead', (await repo.revparse(['HEAD'])).trim());
    await repo.fetch([repositoryUrl(repository), version ?? 'HEAD', '--depth', '1', '--force']);
    await repo.checkout(['--force', 'FETCH_HEAD']);
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new StepFailure(`git could not fetch ${version ?? 'the latest version'}: ${gitMessage(error)}`);
  }
}

/** Puts the commit from before an update back. */
export async function restoreCommit(ctx: Pick<StepContext, 'dataDir'>, commit: string): Promise<void> {
  await simpleGit({ baseDir: ctx.dataDir }).checkout(['--force', commit]);
}

/** git's words when `--branch` names no tag or branch of the remote (a commit, or a typo). */
function refNotFound(error: unknown): boolean {
  return /Remote branch .+ not found|Could not find remote branch/i.test((error as Error).message);
}

/** git's words when the server could not be reached at all. */
const UNREACHABLE = /Could not resolve host|Failed to connect|Connection (timed out|refused)|Network is unreachable|unable to access/i;

function gitMessage(error: unknown): string {
  const text = (error as Error).message.trim();
  const fatal = text.split('\n').find((line) => line.startsWith('fatal:'));
  return fatal ?? text.split('\n').slice(-3).join(' ');
}
