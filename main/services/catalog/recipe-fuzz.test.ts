import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { mutate, seeded } from '../../../test/json-mutations';
import { checkUserRecipe } from './catalog';

// Whatever a user writes into providers.d, the checker answers with problems that name the field
// and say what to do, or with the recipe: it never throws (a throw took the whole catalog, the
// status command and the host's start with it). Seeded, so a failure reproduces.

describe('custom recipe checker under fuzzed recipes', () => {
  it('answers every mutation of every recipe with field-named problems or a recipe, never a throw', async () => {
    const good = parse(await readFile(path.join(import.meta.dirname, 'fixtures', 'recipes', 'good.yaml'), 'utf8')) as unknown;
    const bases = [good, ...BUILTIN_RECIPES.map((r) => JSON.parse(JSON.stringify(r)) as unknown)];
    const next = seeded(0x5eed);
    let checked = 0;
    let refused = 0;
    for (const base of bases) {
      for (let i = 0; i < 200; i++) {
        const data = mutate(base, next);
        let result: ReturnType<typeof checkUserRecipe>;
        try {
          result = checkUserRecipe(data, 'fuzz.yaml');
        } catch (error) {
          throw new Error(`checkUserRecipe threw on ${JSON.stringify(data).slice(0, 400)}: ${(error as Error).stack}`);
        }
        checked++;
        if ('recipe' in result) continue;
        refused++;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(problem.file).toBe('fuzz.yaml');
          expect(problem.message, JSON.stringify(problem)).toMatch(/\S/);
          expect(problem.message, JSON.stringify(problem)).not.toMatch(/\bundefined\b|\[object Object\]|NaN/);
          expect(problem.hint, JSON.stringify(problem)).toMatch(/\S/);
          // A message shows at most a preview of what was written, never 5,000 characters of it.
          expect(problem.message.length).toBeLessThan(600);
        }
      }
    }
    console.log(`recipe fuzz (seed 0x5eed): ${checked} mutated recipes checked, ${refused} refused with problems, 0 throws`);
    expect(refused).toBeGreaterThan(checked / 2);
  });
});
