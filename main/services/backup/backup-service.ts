import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ArchiveSource, BackupCreated, RestorePlan, RestoreResult } from '../../../shared/backup';
import { AppFailure } from '../../../shared/errors';
import type { ProviderRecipe, RecipeInput } from '../../../shared/recipe';
import type { Paths } from '../base-dir/paths';
import { BACKUP_LIMITS } from './backup-limits';
import { checkConfigFiles } from './check-contents';
import { createBackup } from './create-backup';
import { installedProviders } from './installed-providers';
import { readArchive, type Archive } from './read-archive';
import { applyRestore, planRestore } from './restore-backup';

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

  /** An archive of config/ now; written to `file` (atomically) when given, else answered as base64. */
  async create(options: { file?: string } = {}): Promise<BackupCreated> {
    const backup = await createBackup({
      configDir: this.deps.paths.config,
      app: this.deps.app,
      providers: await installedProviders(this.deps.recipes(), this.deps.paths.data),
    });
    const warnings = (await checkConfigFiles(backup.files, this.deps.builtins)).map((p) => `${p} A restore refuses this file as it is.`);
    for (const skipped of backup.skipped) warnings.push(`config/${skipped} is a link or special file: left out.`);
    const answer: BackupCreated = { fileName: backup.fileName, bytes: backup.archive.length, manifest: backup.manifest, warnings };
    if (!options.file) return { ...answer, data: backup.archive.toString('base64') };
    try {
      await writeFileAtomic(options.file, backup.archive, { mode: 0o600 });
    } catch (error) {
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `Could not write the backup to ${options.file}: ${(error as Error).message}`,
        hint: 'Choose a file in a folder that exists and you can write to.',
      });
    }
    return { ...answer, file: options.file };
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
      const { keptAside } = await applyRestore({ configDir: this.deps.paths.config, baseDir: this.deps.paths.base, archive, plan });
      await this.deps.afterRestore?.();
      return { ...plan, ...(keptAside ? { keptAside } : {}), installing: [] };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async check(source: ArchiveSource): Promise<{ archive: Archive; plan: RestorePlan }> {
    const archive = await readArchive(await this.bytesOf(source));
    const problems = await checkConfigFiles(archive.files, this.deps.builtins);
    if (problems.length > 0)
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `Not restored: ${problems.length === 1 ? 'a file in the archive does not load' : `${problems.length} files in the archive do not load`}: ${problems.join(' ')}`,
        hint: 'Nothing was changed. Fix the file named (unpack the archive, edit, pack it again) or use another backup.',
        details: { problems },
      });
    const plan = await planRestore(this.deps.paths.config, archive, await installedProviders(this.deps.recipes(), this.deps.paths.data));
    return { archive, plan };
  }

  private async bytesOf(source: ArchiveSource): Promise<Buffer> {
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
      if (info.size > BACKUP_LIMITS.archiveBytes)
        throw new AppFailure({
          code: 'BAD_REQUEST',
          message: `${file} is ${(info.size / 1024 / 1024).toFixed(1)} MiB, over the ${BACKUP_LIMITS.archiveBytes / 1024 / 1024} MiB a backup may be.`,
          hint: 'Name a backup made by "local-llm-manager backup"; nothing was changed.',
        });
      return await readFile(file);
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
