import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArchiveSource, BackupCreated, BackupExtra, RestorePlan, RestoreResult } from '../../../shared/backup';
import { AppFailure } from '../../../shared/errors';
import type { ProviderRecipe, RecipeInput } from '../../../shared/recipe';
import type { Paths } from '../base-dir/paths';
import { freeSpaceWords, isDiskFull } from '../os/disk-space';
import { outputTarget } from '../os/output-target';
import { BACKUP_LIMITS } from './backup-limits';
import { checkConfigFiles } from './check-contents';
import { backupFileName, createBackup } from './create-backup';
import { installedProviders } from './installed-providers';
import { readArchive, type Archive } from './read-archive';
import { applyRestore, planRestore } from './restore-backup';
import { applyExtras, checkRoom, planExtras } from './restore-extras';

export interface BackupServiceDeps {
  paths: Paths;
  app: { name: string; version: string };
  /** The catalog's recipes now (which providers count as installed). */
  recipes: () => readonly ProviderRecipe[];
  /** The built-in recipes, for checking archived custom recipes as the catalog would. */
  builtins: readonly RecipeInput[];
  /** What stands in the way of a restore now (providers running, installs going on), in words; empty when nothing does. */
  busy?: () => string[];
  /** After the files are in place: the host takes them in (settings, recipes). */
  afterRestore?: () => Promise<void>;
}

/** Backup and restore of config/ (see create-backup and restore-backup for what each does). */
export class BackupService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: BackupServiceDeps) {}

  /**
   * An archive of config/ (and of logs/, data/, models/ when `include` names them) now; written to
   * `file` (a temporary file beside it, then renamed) when given, else answered as base64, which
   * only an archive within the upload cap can be (models: use a `file`).
   */
  async create(options: { file?: string; include?: readonly BackupExtra[] } = {}): Promise<BackupCreated> {
    const { paths } = this.deps;
    const include = [...new Set(options.include ?? [])];
    const file = options.file === undefined ? undefined : await outputTarget(options.file, backupFileName(new Date()));
    const temp = file ? undefined : await mkdtemp(path.join(os.tmpdir(), 'llm-backup-out-'));
    const out = file ? `${file}.${randomBytes(4).toString('hex')}.tmp` : path.join(temp!, 'backup.tar.gz');
    try {
      let backup;
      try {
        backup = await createBackup({
          configDir: paths.config,
          app: this.deps.app,
          providers: await installedProviders(this.deps.recipes(), paths.data),
          extras: include.map((area) => ({ area, dir: paths[area] })),
          out,
        });
        if (file) await rename(out, file);
      } catch (error) {
        if (error instanceof AppFailure) throw error;
        const where = path.dirname(out);
        if (isDiskFull(error))
          throw new AppFailure({
            code: 'IO_ERROR',
            message: `The disk filled up while writing the backup${file ? ` to ${file}` : ''}: ${await freeSpaceWords(where)}.`,
            hint: 'Free some disk space, or write the backup to another disk; nothing was changed.',
          });
        throw new AppFailure({
          code: 'IO_ERROR',
          message: `Could not write the backup${file ? ` to ${file}` : ''}: ${(error as Error).message}`,
          hint: 'Choose a file in a folder that exists and you can write to, on a disk with room for it.',
        });
      }
      const warnings = (await checkConfigFiles(backup.files, this.deps.builtins)).map((p) => `${p} A restore refuses this file as it is.`);
      for (const skipped of backup.skipped) warnings.push(`${skipped} is a link or special file: left out.`);
      const answer: BackupCreated = { fileName: backup.fileName, bytes: backup.bytes, manifest: backup.manifest, warnings };
      if (file) return { ...answer, file };
      if (backup.bytes > BACKUP_LIMITS.archiveBytes)
        throw new AppFailure({
          code: 'BAD_REQUEST',
          message: `The backup is ${(backup.bytes / 1024 / 1024).toFixed(1)} MiB, too big to send as a download (at most ${BACKUP_LIMITS.archiveBytes / 1024 / 1024} MiB).`,
          hint: "Write it to a file on the host's machine instead (backup.create with `file`); models are best backed up that way.",
        });
      return { ...answer, data: (await readFile(out)).toString('base64') };
    } finally {
      if (temp) await rm(temp, { recursive: true, force: true });
      else await rm(out, { force: true });
    }
  }

  /** Checks an archive through and through and says what a restore would change; touches nothing. */
  async inspect(source: ArchiveSource): Promise<RestorePlan> {
    return (await this.check(source)).plan;
  }

  /**
   * Checks everything first (archive, manifest, every file we own the schema of), refuses while
   * something uses config/, then restores (see applyRestore). One restore at a time.
   */
  restore(source: ArchiveSource): Promise<RestoreResult> {
    const run = this.queue.then(async () => {
      const { archive, plan } = await this.check(source);
      const busy = this.deps.busy?.() ?? [];
      if (busy.length > 0)
        throw new AppFailure({
          code: 'CONFLICT',
          message: `Not restored: ${busy.join('; ')}.`,
          hint: 'Stop the providers (Stop all) and let installs finish, then restore again; nothing was changed.',
        });
      const { paths } = this.deps;
      const now = new Date();
      const stamp = now.toISOString().replace(/[:.]/g, '-');
      let extrasAside: string[] = [];
      let undoExtras: (() => Promise<boolean>) | undefined;
      let staging: string | undefined;
      try {
        if (archive.extras.size > 0) {
          // Unpacked (and checked again) into a folder of ours on the same disk, then moved into place.
          await checkRoom(paths.base, archive);
          staging = await mkdtemp(path.join(paths.base, '.restore-staging-'));
          const staged = await readArchive(await this.input(source), { staging });
          const extraPlan = await planExtras(paths, staged);
          const applied = await applyExtras({ dirs: paths, baseDir: paths.base, staged: staging, plan: extraPlan, stamp });
          extrasAside = applied.keptAside;
          undoExtras = applied.undo;
        }
        let keptAside: string | undefined;
        try {
          ({ keptAside } = await applyRestore({ configDir: paths.config, baseDir: paths.base, archive, plan, now }));
        } catch (error) {
          await undoExtras?.();
          throw error;
        }
        await this.deps.afterRestore?.();
        return {
          ...plan,
          ...(keptAside ? { keptAside } : {}),
          ...(extrasAside.length > 0 ? { extrasKeptAside: extrasAside } : {}),
          installing: [],
        };
      } finally {
        if (staging) await rm(staging, { recursive: true, force: true });
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async check(source: ArchiveSource): Promise<{ archive: Archive; plan: RestorePlan }> {
    const archive = await readArchive(await this.input(source));
    const problems = await checkConfigFiles(archive.files, this.deps.builtins);
    if (problems.length > 0)
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `Not restored: ${problems.length === 1 ? 'a file in the archive does not load' : `${problems.length} files in the archive do not load`}: ${problems.join(' ')}`,
        hint: 'Nothing was changed. Fix the file named (unpack the archive, edit, pack it again) or use another backup.',
        details: { problems },
      });
    const plan = await planRestore(this.deps.paths.config, archive, await installedProviders(this.deps.recipes(), this.deps.paths.data));
    if (archive.extras.size > 0) plan.extraFiles = await planExtras(this.deps.paths, archive);
    return { archive, plan };
  }

  /** An upload's bytes, or a file on the host's machine (read as a stream: with models it is GBs). */
  private async input(source: ArchiveSource): Promise<Buffer | { file: string }> {
    if ('data' in source) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(source.data))
        throw new AppFailure({
          code: 'BAD_REQUEST',
          message: 'The uploaded archive is not base64.',
          hint: 'Upload the .tar.gz file again.',
        });
      return Buffer.from(source.data, 'base64');
    }
    const file = path.resolve(source.file);
    try {
      const info = await stat(file);
      if (!info.isFile())
        throw new AppFailure({ code: 'BAD_REQUEST', message: `${file} is not a file.`, hint: 'Name the .tar.gz backup file.' });
      return { file };
    } catch (error) {
      if (error instanceof AppFailure) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new AppFailure({
        code: code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR',
        message: code === 'ENOENT' ? `There is no file ${file}.` : `Could not read ${file}: ${(error as Error).message}`,
        hint: 'Check the path of the backup file.',
      });
    }
  }
}
