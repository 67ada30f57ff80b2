import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { RecipeSchema } from '../shared/recipe';
import { executableHash, RecipeTrust } from '../main/services/catalog/recipe-trust';

/**
 * Confirms a user recipe's commands as the user would in the app's dialog, for tests whose subject
 * is something else (a stand-in provider written as a custom recipe).
 */
export async function trustRecipeFile(baseDir: string, yamlFile: string): Promise<void> {
  const recipe = RecipeSchema.parse(parse(await readFile(yamlFile, 'utf8')));
  await new RecipeTrust(path.join(baseDir, 'config', 'trusted-recipes.json')).trust(recipe.id, executableHash(recipe), yamlFile);
}
