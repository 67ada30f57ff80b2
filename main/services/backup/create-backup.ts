import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { AppFailure } from '../../../shared/errors';
import { BACKUP_FORMAT, type BackupManifest } from '../../../shared/backup';
import { BACKUP_LIMITS } from './backup-limits';
import { listConfig } from './config-files';
import type { InstalledProvider } from './installed-providers';

export interface CreateBackupOptions {
  configDir: string;
  app: { name: string; version: string };
  providers: InstalledProvider[];
  now?: Date;
}

export interface Backup {
  archive: Buffer;
  manifest: BackupManifest;
  fileName: string;
  /** The files read, by path under config/, so the caller can check them as a restore would. */
  files: Map<string, Buffer>;
  /** Links or special files in config/ that were left out. */
  skipped: string[];
}

/**
 * One .tar.gz of config/ (settings, custom recipes, confirmed recipes, each provider's config
 * files; never the API keys) and manifest.json: app version, time, the installed providers with
 * their versions, and every file's size and sha256, so a restore can tell a damaged archive.
 * Files are read once into memory and archived from there: what the manifest hashes is what the
 * archive holds, even while the host rewrites a file.
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
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: 1,
    app: options.app,
    createdAt: now.toISOString(),
    includes: { config: true, models: false, data: false, logs: false, secrets: false },
    files: [...files].map(([rel, bytes]) => ({ path: `config/${rel}`, size: bytes.length, sha256: sha256(bytes) })),
    dirs: listing.emptyDirs.map((dir) => `config/${dir}`),
    providers: options.providers,
  };
  const staging = await mkdtemp(path.join(os.tmpdir(), 'llm-backup-'));
  try {
    await writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await mkdir(path.join(staging, 'config'), { recursive: true });
    for (const dir of listing.emptyDirs) await mkdir(path.join(staging, 'config', dir), { recursive: true });
    for (const [rel, bytes] of files) {
      const target = path.join(staging, 'config', rel);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    const chunks: Buffer[] = [];
    const stream = tar.create({ cwd: staging, gzip: true, portable: true }, ['manifest.json', 'config']);
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { archive: Buffer.concat(chunks), manifest, fileName: backupFileName(now), files, skipped: listing.skipped };
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
