/**
 * Bounds for reading an archive: config/ holds settings, recipes and small provider config files
 * (KiB each). Far above that is not a backup of ours; it must not fill the host's memory.
 */
export const BACKUP_LIMITS = {
  /** The .tar.gz itself. */
  archiveBytes: 16 * 1024 * 1024,
  /** One file once unpacked. */
  fileBytes: 4 * 1024 * 1024,
  /** Every file together once unpacked (a gzip bomb stops here). */
  totalBytes: 32 * 1024 * 1024,
  entries: 5000,
} as const;
