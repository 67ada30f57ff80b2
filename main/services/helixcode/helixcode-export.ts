import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { HelixExport } from '../../../shared/backup';
import { AppFailure } from '../../../shared/errors';
import type { GatewayStatus } from '../../../shared/gateway';
import type { ProviderSummary } from '../../../shared/provider';
import { inExistingFolder } from '../os/output-target';
import { readCappedFile } from '../os/read-capped-file';
import { GATEWAY_KEY, helixEntries } from './helix-entries';
import { mergeHelixConfig } from './merge-helix-config';

/** HelixCode's config.yaml is a few KiB; anything near this is not it. */
const CONFIG_READ_CAP = 4 * 1024 * 1024;

export interface HelixExportOptions {
  providers: readonly ProviderSummary[];
  gateway?: GatewayStatus;
  /** HelixCode's config.yaml to merge into (absolute). */
  file?: string;
  /** Write it (atomically; the old file is kept beside it as <file>.before-export-<time>). */
  write?: boolean;
  now?: Date;
}

/**
 * The llm.providers block for HelixCode (see helixEntries), previewed alone, merged into a given
 * config.yaml (mergeHelixConfig), or written into it.
 */
export async function exportHelixCode(options: HelixExportOptions): Promise<HelixExport> {
  const entries = helixEntries(options.providers, options.gateway);
  const knownKeys = [...options.providers.map((p) => p.id), GATEWAY_KEY];
  const notes: string[] = [];
  if (options.gateway?.apiKey)
    notes.push(
      'The gateway wants an API key; config.yaml does not carry it (the spec has no field for one): give it to HelixCode the way it takes keys.',
    );
  if (!entries.some((e) => e.enabled)) notes.push('Nothing is running and healthy now: every entry is written with enabled: false.');
  if (options.write && !options.file)
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: 'Writing needs the config.yaml to write into.',
      hint: "Give the path of HelixCode's config/config.yaml.",
    });
  if (!options.file) return { yaml: mergeHelixConfig(undefined, entries, knownKeys), entries, notes };

  const file = path.resolve(options.file);
  const before = await readExisting(file);
  const yaml = mergeHelixConfig(before, entries, knownKeys, file);
  if (!options.write) return { yaml, entries, notes };
  if (before === yaml) return { yaml, entries, file, notes: [...notes, `${file} already says this: left as it was.`] };
  if (before === undefined) await inExistingFolder(file);
  let keptAside: string | undefined;
  try {
    if (before !== undefined) {
      keptAside = `${file}.before-export-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
      await copyFile(file, keptAside);
    }
    await writeFileAtomic(file, yaml, { encoding: 'utf8' });
  } catch (error) {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Could not write ${file}: ${(error as Error).message}`,
      hint: `Check that its folder exists and is writable.${keptAside ? ` The old file is unchanged (a copy may be at ${keptAside}).` : ''}`,
    });
  }
  return { yaml, entries, file, ...(keptAside ? { keptAside } : {}), notes };
}

async function readExisting(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile())
      throw new AppFailure({ code: 'BAD_REQUEST', message: `${file} is not a file.`, hint: "Name HelixCode's config/config.yaml." });
    return await readCappedFile(file, CONFIG_READ_CAP);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof AppFailure) throw error;
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Could not read ${file}: ${(error as Error).message}`,
      hint: 'Check the path and its permissions.',
    });
  }
}
