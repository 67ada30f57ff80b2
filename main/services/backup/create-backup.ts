import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { AppFailure } from '../../../shared/errors';
import { BACKUP_FORMAT, type BackupManifest } from '../../../shared/backup';
import { BACKUP_LIMITS } from './backup-limits';
import { listConfig } from './config-files';
import { hashFile, listFolder, type ExtraFolder } from './extra-folders';
import type { InstalledProvider } from './installed-providers';

export interface CreateBackupOptions {
  configDir: string;
  app: { name: string; version: string };
  providers: InstalledProvider[];
  /** Folders of the base directory to archive too (logs/, data/, models/), streamed from disk. */
  extras?: ExtraFolder[];
  /** Where the .tar.gz is written (streamed: an archive with models is GBs). */
  out: string;
  now?: Date;
}

export interface Backup {
  /** Bytes of the archive written to `out`. */
  bytes: number;
  manifest: BackupManifest;
  fileName: string;
  /** The files read, by path under config/, so the caller can check them as a restore would. */
  files: Map<string, Buffer>;
  /** Links or special files that were left out, by path under the base directory (config/…, data/…). */
  skipped: string[];
}

/**
 * One .tar.gz of config/ (settings, custom recipes, confirmed recipes, each provider's config
 * files; never the API keys) and manifest.json: app version, time, the installed providers with
 * their versions, and every file's size and sha256, so a restore can tell a damaged archive.
 * Files are read once into memory and archived from there: what the manifest hashes is what the
 * archive holds, even while the host rewrites a file. Included folders (logs/, data/, models/)
 * are never held in memory: each file is hashed as a stream, then tar streams it into the archive
 * (logs are copied first, as the host appends to them); partial downloads, lock files, sockets and
 * links stay out.
 */
export async function createBackup(options: CreateBackupOptions): Promise<Backup> {
  const now = options.now ?? new Date();
  const listing = await listConfig(options.configDir);
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const rel of listing.files) {
    const bytes = await readFile(path.join(options.configDir, rel));
    if (bytes.length > BACKUP_LIMITS.fileBytes)
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `config/${rel} is ${(bytes.length / 1024 / 1024).toFixed(1)} MiB, over the ${BACKUP_LIMITS.fileBytes / 1024 / 1024} MiB a backed-up file may be.`,
        hint: 'config/ holds settings and small config files: move big files (models, data) out of it, then back up again.',
      });
    total += bytes.length;
    files.set(rel, bytes);
  }
  if (total > BACKUP_LIMITS.totalBytes)
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `config/ holds ${(total / 1024 / 1024).toFixed(1)} MiB, over the ${BACKUP_LIMITS.totalBytes / 1024 / 1024} MiB a backup may hold.`,
      hint: 'Move big files (models, data) out of config/, then back up again.',
    });
  const staging = await mkdtemp(path.join(os.tmpdir(), 'llm-backup-'));
  try {
    const skipped = listing.skipped.map((rel) => `config/${rel}`);
    const extraFiles: BackupManifest['files'] = [];
    const extraNames: string[] = [];
    const extras = options.extras ?? [];
    for (const { area, dir } of extras) {
      const found = await listFolder(dir);
      skipped.push(...found.skipped.map((rel) => `${area}/${rel}`));
      if (area === 'logs') await mkdir(path.join(staging, 'logs'), { recursive: true });
      else await symlink(dir, path.join(staging, area), 'junction');
      for (const rel of found.files) {
        let source = path.join(dir, rel);
        if (area === 'logs') {
          const copy = path.join(staging, 'logs', rel);
          await mkdir(path.dirname(copy), { recursive: true });
          await copyFile(source, copy);
          source = copy;
        }
        extraFiles.push({ path: `${area}/${rel}`, ...(await hashFile(source)) });
        extraNames.push(`${area}/${rel}`);
      }
    }
    const included = new Set(extras.map((e) => e.area));
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: 1,
      app: options.app,
      createdAt: now.toISOString(),
      includes: { config: true, models: included.has('models'), data: included.has('data'), logs: included.has('logs'), secrets: false },
      files: [...[...files].map(([rel, bytes]) => ({ path: `config/${rel}`, size: bytes.length, sha256: sha256(bytes) })), ...extraFiles],
      dirs: listing.emptyDirs.map((dir) => `config/${dir}`),
      providers: options.providers,
    };
    await writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await mkdir(path.join(staging, 'config'), { recursive: true });
    for (const dir of listing.emptyDirs) await mkdir(path.join(staging, 'config', dir), { recursive: true });
    for (const [rel, bytes] of files) {
      const target = path.join(staging, 'config', rel);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    // manifest.json first: a restore reads it before any other entry. `follow` reads the included
    // folders through their links in staging; only the plain files listed above are named.
    const stream = tar.create({ cwd: staging, gzip: true, portable: true, follow: true }, ['manifest.json', 'config', ...extraNames]);
    await pipeline(stream, createWriteStream(options.out, { mode: 0o600 }));
    return { bytes: (await stat(options.out)).size, manifest, fileName: backupFileName(now), files, skipped };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export function backupFileName(now: Date): string {
  return `local-llm-backup-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
