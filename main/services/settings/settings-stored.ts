import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { SettingsSchema, type SettingKey } from '../../../shared/settings';
import { keepPresent } from './settings-merge';

/** What settings.json holds for each saved setting: only the fields a user (or the file) named. */
export type StoredSettings = Partial<Record<SettingKey, unknown>>;

/**
 * The form of one setting to write: `value` (parsed, defaults filled in) cut back to the fields
 * `named` has, so a default the schema fills in stays a default and a later version's new default
 * reaches this user. Where the cut-back form would not read back as `value` (a required field
 * left out), the whole value is written.
 */
export function storedForm(key: SettingKey, value: unknown, named: unknown): unknown {
  const cut = keepPresent(value, named);
  if (cut === value) return value;
  const reread = (SettingsSchema.shape[key] as z.ZodType).safeParse(cut);
  return reread.success && isDeepStrictEqual(reread.data, value) ? cut : value;
}
