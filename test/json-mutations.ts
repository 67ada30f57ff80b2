// Seeded mutations of JSON-like data (a recipe, a settings file): the mistakes a hand edit makes,
// a field gone, a wrong type, a value out of range, one to three at once. Seeded, so a failure
// reproduces.

/** mulberry32: a small seeded generator, so a run is the same every time. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a value is replaced with; undefined removes it. */
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

/** Every path to a value in a plain JSON-like tree, the root included. */
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

/** `base` with one to three of its values (at any depth) replaced or removed. */
export function mutate(base: unknown, next: () => number): unknown {
  let data = base;
  for (let m = 0, n = 1 + Math.floor(next() * 3); m < n; m++) {
    const targets = paths(data);
    const at = targets[Math.floor(next() * targets.length)]!;
    data = withValue(data, at, REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)]);
  }
  return data;
}
