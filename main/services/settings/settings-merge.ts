import { isDeepStrictEqual } from 'node:util';

/** Where a value sits inside the settings: ['providers', 'llamacpp', 'port']. */
export type SettingPath = readonly string[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own property without ever going through a setter: `result.__proto__ = x` would change
 * the prototype instead of adding a key. Keys are checked long before this; this is the last guard.
 */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An own property only: `{}.constructor` must read as absent, not as Object. */
export function ownValue(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

export function valueAt(value: unknown, path: SettingPath): unknown {
  return path.reduce<unknown>((current, key) => ownValue(current, key), value);
}

/**
 * JSON Merge Patch (RFC 7396) without touching its inputs: objects merge key by key, `null`
 * removes a key, anything else (arrays too) replaces what was there.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = {};
  if (isPlainObject(target)) for (const key of Object.keys(target)) setOwn(result, key, target[key]);
  for (const key of Object.keys(patch)) {
    const change = patch[key];
    if (change === undefined) continue;
    if (change === null) delete result[key];
    else setOwn(result, key, applyMergePatch(ownValue(result, key), change));
  }
  return result;
}

/**
 * The merge patch that turns `before` into `after`: only the fields that differ (null for one
 * that went), so a change computed from whole values (`SettingsService.edit`) touches only them.
 */
export function mergePatchBetween(before: unknown, after: unknown): unknown {
  if (!isPlainObject(before) || !isPlainObject(after)) return after;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) setOwn(patch, key, null);
  for (const key of Object.keys(after)) {
    const was = ownValue(before, key);
    if (was === undefined) setOwn(patch, key, after[key]);
    else if (!isDeepStrictEqual(was, after[key])) setOwn(patch, key, mergePatchBetween(was, after[key]));
  }
  return patch;
}

/**
 * `value` with, at every depth where both are objects, only the keys `mask` also has: a parsed
 * setting cut back to the fields a file or a patch named, leaving out those the schema filled in.
 */
export function keepPresent(value: unknown, mask: unknown): unknown {
  if (!isPlainObject(value) || !isPlainObject(mask)) return value;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (Object.hasOwn(mask, key)) setOwn(result, key, keepPresent(value[key], mask[key]));
  return result;
}

/** The places a merge patch writes to: each key down to a value that replaces (or `null` that removes). */
export function patchPaths(patch: unknown, prefix: SettingPath = []): SettingPath[] {
  if (!isPlainObject(patch)) return [prefix];
  const keys = Object.keys(patch).filter((key) => patch[key] !== undefined);
  // An empty object still creates its key when it was absent.
  if (keys.length === 0) return [prefix];
  return keys.flatMap((key) => patchPaths(patch[key], [...prefix, key]));
}

/**
 * The places where two values differ, as deep as they are objects. An object that appears or
 * goes counts as its fields appearing or going: a provider's first setting (its port) must not
 * look like a change to every other field of that provider.
 */
export function changedPaths(before: unknown, after: unknown, prefix: SettingPath = []): SettingPath[] {
  const objectOrAbsent = (value: unknown) => value === undefined || isPlainObject(value);
  if (objectOrAbsent(before) && objectOrAbsent(after) && (before !== undefined || after !== undefined)) {
    const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    const paths = [...keys].flatMap((key) => changedPaths(ownValue(before, key), ownValue(after, key), [...prefix, key]));
    // An empty object that appears or goes still changes its place.
    return paths.length === 0 && (before === undefined) !== (after === undefined) ? [prefix] : paths;
  }
  return isDeepStrictEqual(before, after) ? [] : [prefix];
}

/** One path lies inside the other (or they are the same): a change to one can undo the other. */
export function overlaps(a: SettingPath, b: SettingPath): boolean {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatPath(path: SettingPath): string {
  return path.join('.');
}
