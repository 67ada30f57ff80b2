import { readFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../shared/recipe';
import { BUILTIN_RECIPES } from './builtin';
import { providerTable } from './provider-table';

describe("the README's provider table", () => {
  it('is the one the built-in recipes make (regenerate it with: npx tsx scripts/provider-table.ts)', async () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const table = providerTable(BUILTIN_RECIPES.map((r) => RecipeSchema.parse(r)));
    // As Prettier lays it out in the README (columns aligned).
    const laidOut = (await format(table, { parser: 'markdown', printWidth: 140 })).trimEnd();
    expect(readme).toContain(laidOut);
    expect(table.split('\n')).toHaveLength(BUILTIN_RECIPES.length + 2);
  });
});
