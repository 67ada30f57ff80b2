import type { z } from 'zod';
import { SettingsSchema, type SettingKey, type Settings, type SettingsProblem } from '../../../shared/settings';
import type { SettingsFileRead } from './settings-file';
import { restoreParts, type DroppedPart } from './settings-salvage';

const LEFT_AS_IT_IS =
  'The file was left as it is (this command only reads); the app keeps it aside and writes the valid settings back when it starts.';

export interface AdoptionContext {
  /** At start (nothing in effect yet: what is bad falls back to defaults) or after a hand edit (the values in effect stay). */
  when: 'load' | 'edit';
  file: string;
  /** Opened to read only: a bad file is reported and left where it is, never kept aside or written. */
  readOnly: boolean;
  /** The saved values in effect now. */
  saved: Partial<Settings>;
}

/**
 * What the settings service does with one read of settings.json, in this order: keep the file
 * aside under a dated name (`keepAside` builds the problem to report from that name), write
 * `write` back, forget or learn the file's text, put `take` in effect, report the problem.
 */
export interface Adoption {
  keepAside?: (keptAs: string) => SettingsProblem;
  write?: Partial<Settings>;
  /** No file of ours is there now. */
  forget?: true;
  /** The file's text as read: the next read with this text is nothing new. */
  known?: string;
  take?: Partial<Settings>;
  problem?: SettingsProblem;
}

/**
 * Decides how to take in what the file holds, at start or after a hand edit. A file that cannot be
 * used, or has settings that do not validate, is kept aside under a dated name and reported; what
 * was valid applies. At start the rest falls back to defaults; later the values in effect stay,
 * and are written back so the next start has them too.
 */
export function planAdoption(read: SettingsFileRead, { when, file, readOnly, saved }: AdoptionContext): Adoption {
  const fallback = when === 'load' ? 'defaults are in use' : 'the previous settings stay in effect';
  switch (read.kind) {
    case 'missing':
      return { forget: true, take: {} };
    case 'unreadable':
      return {
        problem: {
          message: read.reason,
          hint: `Check the file permissions. ${capitalise(fallback)}; saving from Settings will try to write it again.`,
          origin: file,
        },
      };
    case 'unusable': {
      if (readOnly) return { problem: { message: read.reason, hint: `${capitalise(fallback)}. ${LEFT_AS_IT_IS}`, origin: file } };
      const keepAside = (keptAs: string): SettingsProblem => ({
        message: read.reason,
        hint: `It was kept as ${keptAs} and ${fallback}. Re-enter your settings, or fix that file and copy it back.`,
        origin: file,
      });
      return when === 'edit' ? { keepAside, write: saved } : { keepAside, forget: true };
    }
    case 'read': {
      if (read.bad.length === 0) return { known: read.text, take: read.values };
      const next: Partial<Settings> = { ...read.values };
      if (when === 'edit') for (const key of read.badKeys) if (saved[key] !== undefined) keepInEffect(next, saved, key, read.dropped[key]);
      const message = `${file} has invalid settings: ${read.bad.join('; ')}.`;
      if (readOnly) {
        return {
          take: next,
          problem: { message, hint: `Everything valid in it applies and what was not uses its default. ${LEFT_AS_IT_IS}`, origin: file },
        };
      }
      return {
        keepAside: (keptAs) => ({
          message,
          hint: `The original was kept as ${keptAs}; everything valid in it was kept (a setting with a bad part keeps its other parts) and what was not ${when === 'load' ? 'uses its default' : 'keeps its previous value'}.`,
          origin: file,
        }),
        write: next,
        take: next,
      };
    }
  }
}

/**
 * After a bad hand edit, what was in effect stays: only the parts taken out of a salvaged setting
 * go back to their values in effect, so the edit's good parts still apply; otherwise the whole
 * setting as it was.
 */
function keepInEffect<K extends SettingKey>(target: Partial<Settings>, saved: Partial<Settings>, key: K, dropped?: DroppedPart[]): void {
  const schema = SettingsSchema.shape[key] as unknown as z.ZodType<Settings[K]>;
  const restored = dropped && target[key] !== undefined ? restoreParts(schema, target[key], saved[key], dropped) : undefined;
  target[key] = restored ?? saved[key];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
