import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { RecipeInput } from '../../../shared/recipe';
import { Catalog } from '../catalog/catalog';
import { TrustFileSchema } from '../catalog/recipe-trust';
import { parseSettingsText, SETTINGS_READ_CAP } from '../settings/settings-file';

/**
 * Checks the files we own the schemas of with the same code the host loads them with: settings
 * (settings-file), custom recipes (the catalog, against the built-ins) and confirmed recipes
 * (recipe-trust). Other files (a provider's own config) are the provider's business and go back
 * as they were. Answers one line per problem; none means it would all load.
 */
export async function checkConfigFiles(files: ReadonlyMap<string, Buffer>, builtins: readonly RecipeInput[]): Promise<string[]> {
  const problems: string[] = [];
  const settings = files.get('settings.json');
  if (settings) {
    if (settings.length > SETTINGS_READ_CAP) problems.push('config/settings.json is over 1 MiB: that is not a settings file.');
    else {
      const read = parseSettingsText('config/settings.json', settings.toString('utf8'));
      if (read.kind === 'unusable' || read.kind === 'unreadable') problems.push(read.reason);
      else if (read.kind === 'read') for (const bad of read.bad) problems.push(`config/settings.json: ${bad}.`);
    }
  }
  const trust = files.get('trusted-recipes.json');
  if (trust) {
    try {
      const parsed = TrustFileSchema.safeParse(JSON.parse(trust.toString('utf8')));
      if (!parsed.success) problems.push(`config/trusted-recipes.json: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
    } catch (error) {
      problems.push(`config/trusted-recipes.json is not valid JSON (${(error as Error).message}).`);
    }
  }
  const recipes = [...files].filter(([rel]) => /^providers\.d\/[^/]+\.ya?ml$/i.test(rel) && !path.basename(rel).startsWith('.'));
  if (recipes.length > 0) {
    // The catalog reads a folder: the archived recipes are written to a temporary one (never config/).
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-restore-recipes-'));
    try {
      await mkdir(dir, { recursive: true });
      for (const [rel, bytes] of recipes) await writeFile(path.join(dir, path.basename(rel)), bytes);
      const catalog = await Catalog.load({ builtins, userDir: dir });
      for (const problem of catalog.problems) {
        const name = `config/providers.d/${path.basename(problem.file)}`;
        problems.push(`${name}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return problems;
}

/** Ids of the custom recipes the archive's trusted-recipes.json confirms. */
export function trustedIds(files: ReadonlyMap<string, Buffer>): string[] {
  const trust = files.get('trusted-recipes.json');
  if (!trust) return [];
  try {
    const parsed = TrustFileSchema.safeParse(JSON.parse(trust.toString('utf8')));
    return parsed.success ? Object.keys(parsed.data.recipes).sort() : [];
  } catch {
    return [];
  }
}
