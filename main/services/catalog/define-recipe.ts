import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { stringify } from 'yaml';
import { AppFailure } from '../../../shared/errors';
import { PROVIDER_ID_PATTERN, type ProviderRecipe } from '../../../shared/recipe';
import { checkUserRecipe, type Catalog } from './catalog';

/**
 * Saves a custom recipe a script defined (the spec's `InstallProvider(customProvider)`) as
 * `config/providers.d/<id>.yaml`, exactly where a hand-written one lives, and reloads the catalog.
 * It is checked as a file would be; being saved does not make it trusted (see RecipeTrust).
 */
export async function defineUserRecipe(catalog: Catalog, data: Record<string, unknown>): Promise<ProviderRecipe> {
  const id = typeof data.id === 'string' && PROVIDER_ID_PATTERN.test(data.id) ? data.id : undefined;
  const file = path.join(catalog.userDir, `${id ?? 'recipe'}.yaml`);
  const checked = checkUserRecipe(data, file);
  if ('problems' in checked) {
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `The recipe is not valid: ${checked.problems.map((p) => p.message).join(' ')}`,
      hint: checked.problems.map((p) => p.hint).join(' '),
      details: { problems: checked.problems },
    });
  }
  const recipe = checked.recipe;
  for (const name of [recipe.id, ...recipe.aliases]) {
    const taken = catalog.get(name);
    if (!taken || (taken.origin === 'user' && taken.file === file)) continue;
    throw new AppFailure({
      code: 'CONFLICT',
      message: `"${name}" is already ${taken.origin === 'builtin' ? `the built-in provider ${taken.recipe.name}` : `defined by ${taken.file}`}.`,
      hint: taken.origin === 'builtin' ? 'Give your recipe another id.' : 'Give your recipe another id, or edit or delete that file.',
    });
  }
  await mkdir(catalog.userDir, { recursive: true });
  // The given fields, not the defaults the schema fills in: the file reads like one a person wrote.
  await writeFileAtomic(file, `# Defined through providers.define (the Node API's installProvider).\n${stringify(data)}`, { mode: 0o644 });
  await catalog.reload();
  if (catalog.get(recipe.id)?.file === file) return recipe;
  // The catalog refused it after all (a clash it alone sees): leave no file behind that says otherwise.
  const problem = catalog.problems.find((p) => p.file === file);
  await rm(file, { force: true });
  await catalog.reload();
  throw new AppFailure({
    code: 'CONFLICT',
    message: problem?.message ?? `The recipe "${recipe.id}" was not accepted by the catalog.`,
    hint: problem?.hint ?? 'Give your recipe another id.',
  });
}
