import type { z } from 'zod';
import { reservedKeyPath, SettingsSchema, type SettingKey, type Settings } from '../../../shared/settings';
import { AppFailure } from '../../../shared/errors';
import { readCappedFile } from '../os/read-capped-file';
import { setOwn } from './settings-merge';
import { salvage, type DroppedPart } from './settings-salvage';
import type { StoredSettings } from './settings-stored';

/** Far above any settings a person writes (a few KiB); a file this big is a mistake, not settings. */
export const SETTINGS_READ_CAP = 1024 * 1024;

/** What reading settings.json found. */
export type SettingsFileRead =
  | { kind: 'missing' }
  /** Could not be read at all (permissions): nothing to keep aside, nothing learnt. */
  | { kind: 'unreadable'; reason: string }
  /** Read, but nothing in it can be used: too big, not JSON, not an object. */
  | { kind: 'unusable'; text?: string; reason: string }
  /**
   * Read; `values` holds every valid setting (one with bad parts salvaged: those parts taken out,
   * listed in `dropped`), `bad` names what was wrong, `badKeys` the settings it was in. `named`
   * holds each of those settings as the file wrote it, to tell its fields from defaults filled in.
   */
  | {
      kind: 'read';
      text: string;
      values: Partial<Settings>;
      named: StoredSettings;
      bad: string[];
      badKeys: SettingKey[];
      dropped: Partial<Record<SettingKey, DroppedPart[]>>;
    };

export async function readSettingsFile(file: string): Promise<SettingsFileRead> {
  let text: string;
  try {
    text = await readCappedFile(file, SETTINGS_READ_CAP);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    // The reader's own failure is the cap; anything else came from the OS.
    if (error instanceof AppFailure) return { kind: 'unusable', reason: error.message };
    return { kind: 'unreadable', reason: `Could not read ${file}: ${(error as Error).message}` };
  }
  return parseSettingsText(file, text);
}

/** Checks settings.json's text the same way at start and for a hand edit picked up later. */
export function parseSettingsText(file: string, text: string): SettingsFileRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'unusable', text, reason: `${file} is not valid JSON (${(error as Error).message}).` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'unusable', text, reason: `${file} must hold a JSON object of settings.` };
  }

  const values: Partial<Settings> = {};
  const named: StoredSettings = {};
  const bad: string[] = [];
  const badKeys: SettingKey[] = [];
  const dropped: Partial<Record<SettingKey, DroppedPart[]>> = {};
  for (const [key, value] of Object.entries(json)) {
    // Own keys only: `constructor`, `toString` or `__proto__` must read as unknown, not as Object's.
    if (!Object.hasOwn(SettingsSchema.shape, key)) {
      bad.push(`unknown setting "${key}"`);
      continue;
    }
    const settingKey = key as SettingKey;
    const reserved = reservedKeyPath(value);
    if (reserved) {
      bad.push(`${[key, ...reserved].join('.')}: "${reserved.at(-1)}" is a reserved name`);
      badKeys.push(settingKey);
      continue;
    }
    const schema = SettingsSchema.shape[settingKey] as z.ZodType;
    const parsed = schema.safeParse(value, { reportInput: true });
    const keep = (data: unknown) => {
      setOwn(values, key, data);
      setOwn(named, key, value);
    };
    if (parsed.success) {
      keep(parsed.data);
      continue;
    }
    // Only the bad parts go: one provider's typo must not cost every provider its settings.
    const salvaged = salvage(schema, value);
    if (salvaged) {
      keep(salvaged.data);
      for (const part of salvaged.dropped) bad.push(describePart(key, part));
      dropped[settingKey] = salvaged.dropped;
      badKeys.push(settingKey);
    } else {
      const issue = parsed.error.issues[0];
      const inner = issue?.path ?? [];
      const where = [key, ...inner.map(String)].join('.');
      // zod says "expected array, received undefined" of a field left out.
      const what = issue?.code === 'invalid_type' && issue.input === undefined ? ' is missing' : `: ${issue?.message ?? 'invalid'}`;
      bad.push(`${where}${what} (${inner.length ? `${key} was` : 'got'} ${brief(value)})`);
      badKeys.push(settingKey);
    }
  }
  return { kind: 'read', text, values, named, bad, badKeys, dropped };
}

/** One salvaged setting's bad part, e.g. `providers.engine.parallel: expected number, received string (got "four")`. */
function describePart(key: string, { path, message, missing, input }: DroppedPart): string {
  const where = [key, ...path.map(String)].join('.');
  if (missing !== undefined) return `${where}.${String(missing)} is missing, so ${where} was left out (it was ${brief(input)})`;
  return `${where}: ${message} (got ${brief(input)})`;
}

/** A value as JSON, cut short: a problem message names it, it does not repeat a whole map. */
function brief(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // Nested past the stack's depth: JSON.parse manages that, JSON.stringify does not.
    return 'a value nested too deeply to show';
  }
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
