import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import * as tar from 'tar';
import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import { BACKUP_EXTRAS, BackupManifestSchema, type BackupExtra, type BackupManifest } from '../../../shared/backup';
import { BACKUP_LIMITS } from './backup-limits';
import { isHostOwned } from './config-files';
import { sha256 } from './create-backup';

export interface Archive {
  manifest: BackupManifest;
  /** By path under config/ (forward slashes). */
  files: Map<string, Buffer>;
  /** Folders under config/, empty ones included. */
  dirs: string[];
  /** Files of the included folders, by `<folder>/<path>` (logs/app.log), as hashed while read. */
  extras: Map<string, { size: number; sha256: string }>;
  /** Where those files were unpacked when a staging folder was given. */
  staged?: string;
}

const HINT =
  'Use an archive made by "local-llm-manager backup" (or Settings → Backup & restore) and not changed since; nothing was changed here.';

function refuse(message: string, hint = HINT): AppFailure {
  return new AppFailure({ code: 'BAD_REQUEST', message, hint });
}

/**
 * A path inside the archive, checked before anything is read: relative, forward slashes, no
 * `..`, no empty or `.` parts, nothing but manifest.json, config/… and the folders a backup may
 * include (logs/…, data/…, models/…). Answers the folder and the part under it.
 */
export function entryPath(raw: string): { area: 'manifest' | 'config' | BackupExtra; rel: string } {
  const trimmed = raw.replace(/\/+$/, '');
  const parts = trimmed.split('/');
  const bad =
    trimmed === '' ||
    trimmed.startsWith('/') ||
    /^[A-Za-z]:/.test(trimmed) ||
    trimmed.includes('\\') ||
    trimmed.includes('\0') ||
    parts.some((part) => part === '' || part === '.' || part === '..');
  if (bad) throw refuse(`The archive holds "${raw.slice(0, 200)}", a path that would point outside the config folder or its own folder.`);
  if (trimmed === 'manifest.json') return { area: 'manifest', rel: '' };
  if (parts[0] === 'config') return { area: 'config', rel: parts.slice(1).join('/') };
  if ((BACKUP_EXTRAS as readonly string[]).includes(parts[0]!) && parts.length > 1)
    return { area: parts[0] as BackupExtra, rel: parts.slice(1).join('/') };
  throw refuse(
    `The archive holds "${raw.slice(0, 200)}", which is not under config/ (a backup holds manifest.json, config/ and, when asked, logs/, data/, models/).`,
  );
}

/** The part under config/ of a config path ('' for config/ itself); anything else is refused. */
export function archivePath(raw: string): string {
  const { area, rel } = entryPath(raw);
  if (area !== 'config') throw refuse(`"${raw.slice(0, 200)}" is not under config/.`);
  return rel;
}

/**
 * Reads a .tar.gz backup (bytes, or a file read as a stream) with every bound checked as it goes:
 * each entry's type (plain files and folders only: no links, devices), path, and for config/ each
 * size and the total unpacked; then the manifest, and every file's size and sha256 against it.
 * config/ is read in memory (never onto disk). Files of the included folders are hashed as they
 * stream by, and written under `staging` when given (a folder of ours, nothing of the user's).
 */
export async function readArchive(archive: Buffer | { file: string }, options: { staging?: string } = {}): Promise<Archive> {
  if (Buffer.isBuffer(archive)) {
    if (archive.length > BACKUP_LIMITS.archiveBytes)
      throw refuse(
        `The archive is ${(archive.length / 1024 / 1024).toFixed(1)} MiB, over the ${BACKUP_LIMITS.archiveBytes / 1024 / 1024} MiB a backup may be.`,
      );
    if (archive.length < 2 || archive[0] !== 0x1f || archive[1] !== 0x8b) throw refuse('The file is not a .tar.gz archive.');
  } else {
    const head = Buffer.alloc(2);
    const { open } = await import('node:fs/promises');
    const handle = await open(archive.file, 'r');
    try {
      await handle.read(head, 0, 2, 0);
    } finally {
      await handle.close();
    }
    if (head[0] !== 0x1f || head[1] !== 0x8b) throw refuse('The file is not a .tar.gz archive.');
  }
  const extras = new Map<string, { size: number; sha256: string }>();
  const writes: Promise<unknown>[] = [];
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
          const { area, rel: under } = entryPath(entry.path);
          const rel = area === 'manifest' ? 'manifest' : under;
          if (area !== 'manifest' && area !== 'config') {
            if (entry.type === 'Directory') return entry.resume();
            if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile')
              throw refuse(`The archive holds ${entry.path.slice(0, 200)} as a ${entry.type}; a backup holds plain files only.`);
            const key = `${area}/${under}`;
            if (extras.has(key)) throw refuse(`The archive holds ${key} twice.`);
            extras.set(key, { size: -1, sha256: '' });
            const hash = createHash('sha256');
            let got = 0;
            entry.on('data', (chunk: Buffer) => {
              got += chunk.length;
              hash.update(chunk);
            });
            entry.on('end', () => extras.set(key, { size: got, sha256: hash.digest('hex') }));
            if (options.staging) {
              const target = path.join(options.staging, area, ...under.split('/'));
              // Piped at once (the folder made synchronously): the entry must not flow before its file is open.
              mkdirSync(path.dirname(target), { recursive: true });
              const out = createWriteStream(target, { mode: 0o600 });
              entry.pipe(out);
              writes.push(finished(out));
            }
            return;
          }
          if (++entries > BACKUP_LIMITS.entries) throw refuse(`The archive has more than ${BACKUP_LIMITS.entries} entries.`);
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
    if (Buffer.isBuffer(archive)) parser.end(archive);
    else {
      const input = createReadStream(archive.file);
      input.on('error', (error) => {
        failure ??= refuse(`Could not read the archive: ${error.message}.`);
        resolve();
      });
      input.pipe(parser);
    }
  });
  const written = await Promise.allSettled(writes);
  if (failure) throw failure;
  const unwritten = written.find((w) => w.status === 'rejected');
  if (unwritten)
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Could not unpack the archive to check it: ${(unwritten.reason as Error).message}.`,
      hint: 'Check that the base directory is writable and its disk has room; nothing was changed.',
    });
  if (manifestText === undefined) throw refuse('The archive has no manifest.json: it is not a Local LLM Manager backup.');
  const manifest = parseManifest(manifestText);
  checkAgainstManifest(manifest, files, extras);
  for (const dir of manifest.dirs) dirs.add(archivePath(dir));
  return {
    manifest,
    files,
    dirs: [...dirs].filter((d) => d !== '').sort(),
    extras,
    ...(options.staging ? { staged: options.staging } : {}),
  };
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

function checkAgainstManifest(
  manifest: BackupManifest,
  files: Map<string, Buffer>,
  extras: Map<string, { size: number; sha256: string }>,
): void {
  const listed = new Map<string, BackupManifest['files'][number]>();
  const listedExtras = new Map<string, BackupManifest['files'][number]>();
  for (const f of manifest.files) {
    const { area, rel } = entryPath(f.path);
    if (area === 'config') listed.set(rel, f);
    else if (area === 'manifest') throw refuse('The manifest lists manifest.json as a file.');
    else if (!manifest.includes[area]) throw refuse(`The manifest lists ${f.path.slice(0, 200)} but says ${area}/ is not included.`);
    else listedExtras.set(`${area}/${rel}`, f);
  }
  for (const [key, got] of extras) {
    const entry = listedExtras.get(key);
    if (!entry) throw refuse(`${key} is in the archive but not in its manifest: the archive was changed after it was made.`);
    if (entry.size !== got.size || entry.sha256 !== got.sha256)
      throw refuse(`${key} does not match its manifest (size or sha256): the archive is damaged or was changed.`);
  }
  for (const key of listedExtras.keys())
    if (!extras.has(key)) throw refuse(`${key} is in the manifest but missing from the archive: the archive is incomplete.`);
  for (const [rel, bytes] of files) {
    const entry = listed.get(rel);
    if (!entry) throw refuse(`config/${rel} is in the archive but not in its manifest: the archive was changed after it was made.`);
    if (entry.size !== bytes.length || entry.sha256 !== sha256(bytes))
      throw refuse(`config/${rel} does not match its manifest (size or sha256): the archive is damaged or was changed.`);
  }
  for (const rel of listed.keys())
    if (!files.has(rel)) throw refuse(`config/${rel} is in the manifest but missing from the archive: the archive is incomplete.`);
}
