import type { z } from 'zod';

type Path = PropertyKey[];

/** One part of a setting taken out because it failed the schema. */
export interface DroppedPart {
  /** Where it was, inside the setting. */
  path: Path;
  /** The schema's complaint: a bad value, an unknown key, or a required field missing (then `path` is its container). */
  message: string;
  /** The field the complaint is about, when it was missing (so its container went). */
  missing?: PropertyKey;
  /** What was there. */
  input: unknown;
}

// Each round takes out at least one part; a setting a person wrote has far fewer bad ones.
const MAX_ROUNDS = 50;

/**
 * A setting's value with only what fails its schema taken out, as deep as that can be done: a
 * bad field of one provider's entry goes, not every provider's settings; a bad element of a list
 * goes, not the list. A required field that is missing takes its container with it (a record's
 * entry, a list's element). Undefined when nothing short of the whole value would do: the wrong
 * type at the top, or a required field of the setting itself missing.
 */
export function salvage<T>(schema: z.ZodType<T>, value: unknown): { data: T; dropped: DroppedPart[] } | undefined {
  try {
    return salvageParts(schema, value);
  } catch (error) {
    // Nested past the stack's depth (JSON.parse manages that, copying does not): not salvageable.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function salvageParts<T>(schema: z.ZodType<T>, value: unknown): { data: T; dropped: DroppedPart[] } | undefined {
  let current: unknown = structuredClone(value);
  const dropped: DroppedPart[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = schema.safeParse(current);
    if (parsed.success) return { data: parsed.data, dropped };
    const found: DroppedPart[] = [];
    for (const issue of parsed.error.issues) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      for (const issuePath of paths) {
        const present = has(current, issuePath);
        const path = present ? issuePath : issuePath.slice(0, -1);
        if (path.length === 0) return undefined;
        found.push({ path, message: issue.message, input: at(current, path), ...(present ? {} : { missing: issuePath.at(-1) }) });
      }
    }
    // A part inside one that goes anyway (or named twice) is not taken out on its own: in a list that would take out a neighbour.
    const parts = found.filter(
      (part, i) => !found.some((other, j) => isWithin(part.path, other.path) && (part.path.length > other.path.length || j < i)),
    );
    dropped.push(...parts);
    // In a list, highest index first: taking out one element never moves another still to be taken out.
    for (const { path } of parts.sort((a, b) => byPlace(b.path, a.path))) current = without(current, path);
  }
  return undefined;
}

/**
 * The salvaged value with each part that was taken out put back from `previous` (the value in
 * effect), where it had one: a bad hand edit of one field keeps that field's old value. Undefined
 * when the result would still not validate.
 */
export function restoreParts<T>(
  schema: z.ZodType<T>,
  salvaged: unknown,
  previous: unknown,
  dropped: readonly DroppedPart[],
): T | undefined {
  let current: unknown = structuredClone(salvaged);
  for (const { path } of dropped) {
    // A list's element has no place of its own to go back to: the list stands as salvaged.
    if (path.some((key) => typeof key === 'number')) continue;
    if (has(previous, path)) current = withValue(current, path, structuredClone(at(previous, path)));
  }
  const parsed = schema.safeParse(current);
  return parsed.success ? parsed.data : undefined;
}

function isContainer(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function has(value: unknown, path: Path): boolean {
  let node = value;
  for (const key of path) {
    if (!isContainer(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return true;
}

function at(value: unknown, path: Path): unknown {
  let node = value;
  for (const key of path) node = isContainer(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  return node;
}

/** The value with the part at `path` gone: a list closes up, an object loses the key. */
function without(value: unknown, path: Path): unknown {
  const parent = at(value, path.slice(0, -1));
  const key = path.at(-1)!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (isContainer(parent)) delete parent[key];
  return value;
}

/** The value with `replacement` at `path` (object keys only), making the objects on the way as needed. */
function withValue(value: unknown, path: Path, replacement: unknown): unknown {
  const root: unknown = isContainer(value) ? value : {};
  let node = root as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) {
    if (!isContainer(node[key])) node[key] = {};
    node = node[key] as Record<PropertyKey, unknown>;
  }
  node[path.at(-1)!] = replacement;
  return root;
}

/** Whether `path` is `outer` or inside it. */
function isWithin(path: Path, outer: Path): boolean {
  return outer.length <= path.length && outer.every((key, i) => key === path[i]);
}

/** Orders paths by place, list indexes as numbers. */
function byPlace(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
