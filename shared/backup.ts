import { z } from 'zod';

/**
 * Backup, restore and the HelixCode export: the archive's manifest and what the contract's
 * backup.* and export.* requests take and answer.
 */

export const BACKUP_FORMAT = 'local-llm-manager-backup';

/** One file of the archive, under `config/`, with what it must hash to. */
const ManifestFileSchema = z
  .object({
    path: z.string().min(1).max(1024),
    size: z.number().int().min(0),
    sha256: z.string().regex(/^[a-f0-9]{64}$/),
  })
  .strict();

/** A provider the installer had installed when the backup was made (its marker file said so). */
const ManifestProviderSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
    version: z.string().max(200).optional(),
    installedAt: z.string().max(64).optional(),
  })
  .strict();

export const BackupManifestSchema = z
  .object({
    format: z.literal(BACKUP_FORMAT),
    formatVersion: z.literal(1),
    app: z.object({ name: z.string().max(200), version: z.string().max(100) }).strict(),
    createdAt: z.string().max(64),
    /** What the archive holds besides the manifest. Models, data and logs only when asked; API keys never. */
    includes: z
      .object({
        config: z.literal(true),
        models: z.boolean(),
        data: z.boolean(),
        logs: z.boolean(),
        secrets: z.literal(false),
      })
      .strict(),
    /** config/… and, when included, logs/…, data/…, models/… (each hashed as it was read). */
    files: z.array(ManifestFileSchema).max(200_000),
    /** Empty folders under config/ (providers.d with nothing in it yet), so a restore makes them too. */
    dirs: z.array(z.string().min(1).max(1024)).max(5000),
    providers: z.array(ManifestProviderSchema).max(500),
  })
  .strict();
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

/**
 * An archive sent as base64 (a browser upload) or named by an absolute path on the host's machine
 * (the CLI, which runs beside the host as the same user). Over the WebSocket a frame is at most
 * 1 MiB, so an upload is capped below that; a file has the archive cap only.
 */
export const MAX_UPLOAD_BASE64_CHARS = 1_000_000;
const AbsolutePath = z
  .string()
  .min(2)
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/])/, 'must be an absolute path');
const ArchiveData = z
  .string()
  .min(1)
  .max(MAX_UPLOAD_BASE64_CHARS, 'is over the upload limit (about 730 KiB): restore it with "local-llm-manager restore <file>"');
export const ArchiveSourceSchema = z.union([z.object({ data: ArchiveData }).strict(), z.object({ file: AbsolutePath }).strict()]);
export type ArchiveSource = z.infer<typeof ArchiveSourceSchema>;

/** Base-directory folders a backup carries only when asked (config/ always goes in). */
export const BACKUP_EXTRAS = ['logs', 'data', 'models'] as const;
export type BackupExtra = (typeof BACKUP_EXTRAS)[number];

export const BackupCreateSchema = z
  .object({
    /** Write the archive to this absolute path on the host's machine instead of answering its bytes. */
    file: AbsolutePath.optional(),
    /** Also archive these folders of the base directory (models can be GBs: write those to a `file`). */
    include: z.array(z.enum(BACKUP_EXTRAS)).max(3).optional(),
  })
  .strict()
  .optional();

/** Install the providers the manifest lists that are not installed here (after the files are in place). */
const Reinstall = { reinstall: z.boolean().optional() };
export const BackupRestoreSchema = z.union([
  z.object({ data: ArchiveData, ...Reinstall }).strict(),
  z.object({ file: AbsolutePath, ...Reinstall }).strict(),
]);

export interface BackupCreated {
  /** A name to save it under: local-llm-backup-<time>.tar.gz */
  fileName: string;
  bytes: number;
  /** The archive, base64, when no `file` was asked for. */
  data?: string;
  /** Where it was written, when `file` was given. */
  file?: string;
  manifest: BackupManifest;
  /** Files in config/ that a restore would refuse as they are (a recipe with an error): fix them, or know it. */
  warnings: string[];
}

export type RestoreChange = 'add' | 'replace' | 'same' | 'remove';

/** What a restore would do, checked and nothing touched yet. */
export interface RestorePlan {
  manifest: BackupManifest;
  files: { path: string; change: RestoreChange }[];
  /** Files of the included folders (logs/…, data/…, models/…): added or replaced, never removed. */
  extraFiles?: { path: string; change: RestoreChange }[];
  /** Custom recipes the archive brings back as confirmed (trusted-recipes.json): their commands run without asking again. */
  trustedRecipes: string[];
  /** Listed providers not installed here: what `reinstall` would install. */
  toInstall: string[];
  /** Listed providers installed here at another version (reported; update them if you want the backup's). */
  otherVersion: { id: string; backup?: string; here?: string }[];
}

export interface RestoreResult extends RestorePlan {
  /** Where the files it replaced or removed were kept (absent when it replaced nothing). */
  keptAside?: string;
  /** The same for the included folders: `<folder>.before-restore-<time>/`. */
  extrasKeptAside?: string[];
  /** Install runs started for `toInstall` when asked to reinstall. */
  installing: string[];
}

export const HelixExportSchema = z
  .object({
    /**
     * HelixCode's config.yaml on the host's machine: its other keys and comments are kept and the
     * llm.providers entries merged in. Without it, the block alone.
     */
    file: AbsolutePath.optional(),
    /** Write the merged file (atomically, the old one kept beside it); otherwise only preview it. */
    write: z.boolean().optional(),
  })
  .strict()
  .optional();

export interface HelixProviderEntry {
  key: string;
  type: string;
  endpoint: string;
  models: string[];
  enabled: boolean;
}

export interface HelixExport {
  /** The YAML: the whole merged file when `file` was given, else the llm.providers block alone. */
  yaml: string;
  entries: HelixProviderEntry[];
  /** Set when written. */
  file?: string;
  /** The previous file, kept beside it, when written over one. */
  keptAside?: string;
  notes: string[];
}
