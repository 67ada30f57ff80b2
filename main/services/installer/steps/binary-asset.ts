import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import extractZip from 'extract-zip';
import * as tar from 'tar';
import { AppFailure } from '../../../../shared/errors';
import type { InstallPlan } from '../../../../shared/recipe';
import { fetchToFile, sha256Of } from '../../os/http-file';
import { StepFailure, type StepContext } from '../step-context';

export type BinaryAsset = Extract<InstallPlan, { strategy: 'binary' }>['assets'][number];

export function assetFor(assets: readonly BinaryAsset[], os: NodeJS.Platform, arch: string): BinaryAsset | undefined {
  return assets.find((a) => a.os === os && a.arch === arch);
}

const downloadFile = (ctx: StepContext, asset: BinaryAsset) =>
  path.join(ctx.paths.cache, 'install', `${ctx.recipe.id}-${path.basename(new URL(asset.url).pathname) || 'asset'}`);

/**
 * Downloads the asset into cache/install/ with progress, then checks its sha256 when there is one
 * (the plan has put the user's in place of the recipe's). Without one, every hop must be https.
 */
export async function downloadAsset(ctx: StepContext, asset: BinaryAsset): Promise<void> {
  const file = downloadFile(ctx, asset);
  await mkdir(path.dirname(file), { recursive: true });
  await ctx.created(file);
  try {
    await fetchToFile(asset.url, file, {
      signal: ctx.signal,
      verified: Boolean(asset.sha256),
      onProgress: ({ receivedBytes, totalBytes }) =>
        ctx.progress(
          totalBytes ? Math.floor((receivedBytes * 100) / totalBytes) : undefined,
          `${mib(receivedBytes)}${totalBytes ? ` of ${mib(totalBytes)}` : ''}`,
        ),
    });
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const hint = error instanceof AppFailure && error.hint ? ` ${error.hint}` : '';
    throw new StepFailure(`Could not download ${asset.url}: ${(error as Error).message}${hint}`);
  }
  if (asset.sha256) {
    const actual = await sha256Of(file);
    if (actual !== asset.sha256) {
      await rm(file, { force: true });
      throw new StepFailure(
        `Checksum mismatch for ${asset.url}: expected ${asset.sha256}, got ${actual}. The file was removed; the download may be corrupt or the release changed.`,
      );
    }
    ctx.logs.system(ctx.logId, `sha256 ${actual} matches`);
  }
}

/** Unpacks (or copies) the asset into the data folder and makes its executable runnable. */
export async function unpackAsset(ctx: StepContext, asset: BinaryAsset): Promise<void> {
  const file = downloadFile(ctx, asset);
  await ctx.created(ctx.dataDir);
  await mkdir(ctx.dataDir, { recursive: true });
  const executable = path.join(ctx.dataDir, asset.executable);
  if (asset.archive === 'tar.gz') await tar.x({ file, cwd: ctx.dataDir });
  else if (asset.archive === 'zip') await extractZip(file, { dir: path.resolve(ctx.dataDir) });
  else {
    await mkdir(path.dirname(executable), { recursive: true });
    await copyFile(file, executable);
  }
  await chmod(executable, 0o755).catch((error: NodeJS.ErrnoException) => {
    throw new StepFailure(
      `The download has no ${asset.executable} (${error.code}). The recipe's "executable" must name the program inside it.`,
    );
  });
  await rm(file, { force: true });
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
