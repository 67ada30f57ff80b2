import path from 'node:path';
import { parse } from 'yaml';
import type { ProviderRecipe } from '../../../shared/recipe';
import { jsonAt } from '../os/http-expect';
import { readCappedFile } from '../os/read-capped-file';

/** A token file is a few lines; anything bigger is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * The key a provider wrote for itself (`recipe.keyFile`, inside its data folder), or undefined when
 * it has none yet or the file does not hold one. Never throws: a provider without a readable key
 * file is simply asked without one, and its 401 says the rest.
 */
export async function readProviderKeyFile(recipe: ProviderRecipe, dataDir: string): Promise<string | undefined> {
  if (!recipe.keyFile) return undefined;
  try {
    const text = await readCappedFile(path.join(dataDir, recipe.keyFile.file), MAX_KEY_FILE_BYTES);
    const value = jsonAt(parse(text), recipe.keyFile.field);
    return typeof value === 'string' && /^[\x21-\x7e]{1,512}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
