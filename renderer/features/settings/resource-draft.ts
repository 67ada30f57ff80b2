import { ALERT_KINDS, type AlertKind } from '../../../shared/resources';
import type { Settings, SettingsPatch } from '../../../shared/settings';

/** The Resources and alerts section: numbers stay text while typed, as in the main form. */
export interface ResourceDraft {
  resourceIntervalSec: string;
  alertRamPercent: string;
  alertVramPercent: string;
  alertDiskFreeGiB: string;
  /** Kinds that notify (the inverse of the saved `mutedAlerts`, which is how users think of it). */
  notify: Record<AlertKind, boolean>;
}
export type ResourceNumberKey = Exclude<keyof ResourceDraft, 'notify'>;

/** Bounds mirror SettingsSchema; the host still has the last word. */
export const LIMITS: Record<ResourceNumberKey, { min: number; max: number; integer: boolean; unit: string }> = {
  resourceIntervalSec: { min: 1, max: 60, integer: true, unit: 'seconds' },
  alertRamPercent: { min: 10, max: 100, integer: true, unit: '%' },
  alertVramPercent: { min: 10, max: 100, integer: true, unit: '%' },
  alertDiskFreeGiB: { min: 0.5, max: 100_000, integer: false, unit: 'GiB' },
};
const NUMBER_KEYS = Object.keys(LIMITS) as ResourceNumberKey[];

export function resourceDraftFrom(values: Settings): ResourceDraft {
  return {
    resourceIntervalSec: String(values.resourceIntervalSec),
    alertRamPercent: String(values.alertRamPercent),
    alertVramPercent: String(values.alertVramPercent),
    alertDiskFreeGiB: String(values.alertDiskFreeGiB),
    notify: Object.fromEntries(ALERT_KINDS.map((kind) => [kind, !values.mutedAlerts.includes(kind)])) as Record<AlertKind, boolean>,
  };
}

function parse(key: ResourceNumberKey, text: string): number | undefined {
  const { min, max, integer } = LIMITS[key];
  const trimmed = text.trim();
  if (!(integer ? /^\d+$/ : /^\d+(\.\d+)?$/).test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : undefined;
}

export function validateResourceDraft(draft: ResourceDraft): Partial<Record<ResourceNumberKey, string>> {
  const errors: Partial<Record<ResourceNumberKey, string>> = {};
  for (const key of NUMBER_KEYS) {
    const { min, max, integer, unit } = LIMITS[key];
    if (parse(key, draft[key]) === undefined)
      errors[key] = `Enter ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (${unit}).`;
  }
  return errors;
}

/** Only what differs from the host's values. */
export function buildResourcePatch(draft: ResourceDraft, values: Settings): SettingsPatch {
  const patch: SettingsPatch = {};
  for (const key of NUMBER_KEYS) {
    const value = parse(key, draft[key]);
    if (value !== undefined && value !== values[key]) patch[key] = value;
  }
  const muted = ALERT_KINDS.filter((kind) => !draft.notify[kind]);
  if (muted.join() !== ALERT_KINDS.filter((kind) => values.mutedAlerts.includes(kind)).join()) patch.mutedAlerts = muted;
  return patch;
}
