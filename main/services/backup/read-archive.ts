import * as tar from 'tar';
import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import { BackupManifestSchema, type BackupManifest } from '../../../shared/backup';
import { BACKUP_LIMITS } from './backup-limits';
import { isHostOwned } from './config-files';
import { sha256 } from './create-backup';

export interface Archive {
  manifest: BackupManifest;
  /** By path under config/ (forward slashes). */
  files: Map<string, Buffer>;
  /** Folders under config/, empty ones included. */
  dirs: string[];
}

const HINT =
  'Use an archive made by "local-llm-manager backup" (or Settings → Backup & restore) and not changed since; nothing was changed here.';

function refuse(message: string, hint = HINT): AppFailure {
  return new AppFailure({ code: 'BAD_REQUEST', message, hint });
}

/**
 * A path inside the archive, checked before anything is read: relative, forward slashes, no
 * `..`, no empty or `.` parts, nothing but manifest.json and config/…. Answers the part under
 * config/ ('' for config/ itself), or 'manifest'.
 */
export function archivePath(raw: string): string {
  const trimmed = raw.replace(/\/+$/, '');
  const parts = trimmed.split('/');
  const bad =
    trimmed === '' ||
    trimmed.startsWith('/') ||
    /^[A-Za-z]:/.test(trimmed) ||
    trimmed.includes('\\') ||
    trimmed.includes('\0') ||
    parts.some((part) => part === '' || part === '.' || part === '..');
  if (bad) throw refuse(`The archive holds "${raw.slice(0, 200)}", a path that would point outside the config folder.`);
  if (trimmed === 'manifest.json') return 'manifest';
  if (parts[0] !== 'config')
    throw refuse(`The archive holds "${raw.slice(0, 200)}", which is not under config/ (a backup holds manifest.json and config/ only).`);
  return parts.slice(1).join('/');
}

/**
 * Reads a .tar.gz backup in memory (never onto disk) with every bound checked as it goes: its
 * size, each entry's type (plain files and folders only: no links, devices), path, size and the
 * total unpacked; then the manifest, and every file's size and sha256 against it.
 */
export async function readArchive(archive: Buffer): Promise<Archive> {
  if (archive.length > BACKUP_LIMITS.archiveBytes)
    throw refuse(
      `The archive is ${(archive.length / 1024 / 1024).toFixed(1)} MiB, over the ${BACKUP_LIMITS.archiveBytes / 1024 / 1024} MiB a backup may be.`,
    );
  if (archive.length < 2 || archive[0] !== 0x1f || archive[1] !== 0x8b) throw refuse('The file is not a .tar.gz archive.');
  const files = new Map<string, Buffer>();
  const dirs = new Set<string>();
  let manifestText: string | undefined;
  let total = 0;
  let entries = 0;
  let failure: AppFailure | undefined;

  await new Promise<void>((resolve) => {
    const parser = new tar.Parser({
      strict: true,
      onReadEntry: (entry) => {
        try {
          if (failure) return entry.resume();
          if (++entries > BACKUP_LIMITS.entries) throw refuse(`The archive has more than ${BACKUP_LIMITS.entries} entries.`);
          const rel = archivePath(entry.path);
          if (entry.type === 'Directory') {
            if (rel === 'manifest') throw refuse('manifest.json in the archive is a folder.');
            if (rel !== '') dirs.add(rel);
            return entry.resume();
          }
          if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile')
            throw refuse(`The archive holds ${entry.path.slice(0, 200)} as a ${entry.type}; a backup holds plain files only.`);
          if (rel !== 'manifest' && isHostOwned(rel))
            throw refuse(
              `The archive holds config/${rel}, which a backup never carries (API keys, the session) and a restore never writes.`,
            );
          const size = entry.size ?? 0;
          if (size > BACKUP_LIMITS.fileBytes)
            throw refuse(`${entry.path.slice(0, 200)} in the archive is over ${BACKUP_LIMITS.fileBytes / 1024 / 1024} MiB.`);
          total += size;
          if (total > BACKUP_LIMITS.totalBytes)
            throw refuse(`The archive unpacks to more than ${BACKUP_LIMITS.totalBytes / 1024 / 1024} MiB.`);
          const chunks: Buffer[] = [];
          let got = 0;
          entry.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (got <= size) chunks.push(chunk);
          });
          entry.on('end', () => {
            const bytes = Buffer.concat(chunks);
            if (rel === 'manifest') {
              if (manifestText !== undefined) failure ??= refuse('The archive holds manifest.json twice.');
              manifestText = bytes.toString('utf8');
            } else if (files.has(rel)) failure ??= refuse(`The archive holds config/${rel} twice.`);
            else files.set(rel, bytes);
          });
        } catch (error) {
          failure ??= error as AppFailure;
          entry.resume();
        }
      },
    });
    parser.on('error', (error: Error) => {
      failure ??= refuse(`The archive is damaged: ${error.message}.`);
      resolve();
    });
    parser.on('warn', (_code: string, message: string | Error) => {
      failure ??= refuse(`The archive is damaged: ${typeof message === 'string' ? message : message.message}.`);
    });
    parser.on('end', () => resolve());
    parser.on('close', () => resolve());
    parser.end(archive);
  });
  if (failure) throw failure;
  if (manifestText === undefined) throw refuse('The archive has no manifest.json: it is not a Local LLM Manager backup.');
  const manifest = parseManifest(manifestText);
  checkAgainstManifest(manifest, files);
  for (const dir of manifest.dirs) dirs.add(archivePath(dir));
  return { manifest, files, dirs: [...dirs].filter((d) => d !== '').sort() };
}

function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw refuse(`manifest.json is not valid JSON (${(error as Error).message}).`);
  }
  const parsed = BackupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== undefined && format !== 'local-llm-manager-backup')
      throw refuse('manifest.json is not a Local LLM Manager backup manifest.');
    throw refuse(`manifest.json is not valid: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
  }
  return parsed.data;
}

function checkAgainstManifest(manifest: BackupManifest, files: Map<string, Buffer>): void {
  const listed = new Map(manifest.files.map((f) => [archivePath(f.path), f]));
  for (const [rel, bytes] of files) {
    const entry = listed.get(rel);
    if (!entry) throw refuse(`config/${rel} is in the archive but not in its manifest: the archive was changed after it was made.`);
    if (entry.size !== bytes.length || entry.sha256 !== sha256(bytes))
      throw refuse(`config/${rel} does not match its manifest (size or sha256): the archive is damaged or was changed.`);
  }
  for (const rel of listed.keys())
    if (!files.has(rel)) throw refuse(`config/${rel} is in the manifest but missing from the archive: the archive is incomplete.`);
}
