// Prints the README's provider table from the built-in recipes: npx tsx scripts/provider-table.ts
import { BUILTIN_RECIPES } from '../main/builtin-recipes/builtin';
import { providerTable } from '../main/builtin-recipes/provider-table';
import { RecipeSchema } from '../shared/recipe';

import { format } from 'prettier';

// Laid out as Prettier keeps it in the README.
console.log(await format(providerTable(BUILTIN_RECIPES.map((r) => RecipeSchema.parse(r))), { parser: 'markdown', printWidth: 140 }));
