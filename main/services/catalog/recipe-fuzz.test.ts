import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { checkUserRecipe } from './catalog';

// Whatever a user writes into providers.d, the checker answers with problems that name the field
// and say what to do, or with the recipe: it never throws (a throw took the whole catalog, the
// status command and the host's start with it). Seeded, so a failure reproduces.

/** mulberry32: a small seeded generator, so the run is the same every time. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  65536,
  Number.MAX_SAFE_INTEGER,
  '',
  'x',
  'eighty',
  '{nope}',
  '{port',
  'a'.repeat(5000),
  true,
  [],
  [null],
  ['x', 1, {}],
  {},
  { unexpected: 1 },
  { exists: true },
];

/** Every path to a value in a plain JSON-like tree. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

function withValue(root: unknown, at: Array<string | number>, value: unknown): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

describe('custom recipe checker under fuzzed recipes', () => {
  it('answers every mutation of every recipe with field-named problems or a recipe, never a throw', async () => {
    const good = parse(await readFile(path.join(import.meta.dirname, 'fixtures', 'recipes', 'good.yaml'), 'utf8')) as unknown;
    const bases = [good, ...BUILTIN_RECIPES.map((r) => JSON.parse(JSON.stringify(r)) as unknown)];
    const next = random(0x5eed);
    let checked = 0;
    let refused = 0;
    for (const base of bases) {
      const all = paths(base);
      for (let i = 0; i < 200; i++) {
        // One to three mutations at once: a real mistake rarely comes alone.
        let data = base;
        for (let m = 0, n = 1 + Math.floor(next() * 3); m < n; m++) {
          const targets = paths(data);
          const at = targets[Math.floor(next() * targets.length)] ?? all[0]!;
          data = withValue(data, at, REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)]);
        }
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
