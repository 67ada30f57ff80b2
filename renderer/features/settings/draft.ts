import type { SettingsPatch, SettingsState } from '../../../shared/settings';

/** What the form edits: numbers stay text until saved so a half-typed value is not lost. */
export interface Draft {
  baseDir: string;
  autoStart: boolean;
  startupTimeoutSec: string;
  healthIntervalSec: string;
  closeToTray: boolean;
  launchAtLogin: boolean;
}
export type DraftKey = keyof Draft;
export type DraftErrors = Partial<Record<DraftKey, string>>;

const MIN_SECONDS = 1;
const MAX_SECONDS = 3600;
/** The bounds of the seconds fields, as a number field shows them. */
export const SECONDS_LIMITS = { min: MIN_SECONDS, max: MAX_SECONDS, integer: true, unit: 'seconds' };

/** The base directory the user chose last: a pending one if it waits for a restart. */
export function savedBaseDir(state: SettingsState): string {
  return state.baseDir.pending ?? state.baseDir.path;
}

export function draftFrom(state: SettingsState): Draft {
  const { values } = state;
  return {
    baseDir: savedBaseDir(state),
    autoStart: values.autoStart,
    startupTimeoutSec: String(values.startupTimeoutSec),
    healthIntervalSec: String(values.healthIntervalSec),
    closeToTray: values.closeToTray,
    launchAtLogin: values.launchAtLogin,
  };
}

function parseSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= MIN_SECONDS && value <= MAX_SECONDS ? value : undefined;
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('~');
}

/** Mirrors SettingsPatchSchema so mistakes show inline at once; the host still has the last word. */
export function validate(draft: Draft): DraftErrors {
  const errors: DraftErrors = {};
  const secondsMessage = `Enter a whole number of seconds from ${MIN_SECONDS} to ${MAX_SECONDS}.`;
  if (parseSeconds(draft.startupTimeoutSec) === undefined) errors.startupTimeoutSec = secondsMessage;
  if (parseSeconds(draft.healthIntervalSec) === undefined) errors.healthIntervalSec = secondsMessage;
  const baseDir = draft.baseDir.trim();
  if (baseDir === '') errors.baseDir = 'Enter a folder.';
  else if (!isAbsolutePath(baseDir)) errors.baseDir = 'Must be an absolute path (or start with ~).';
  return errors;
}

/** Only the fields that differ from what the host has, so a save never rewrites the rest. */
export function buildPatch(draft: Draft, state: SettingsState): SettingsPatch {
  const patch: SettingsPatch = {};
  const { values } = state;
  if (draft.autoStart !== values.autoStart) patch.autoStart = draft.autoStart;
  if (draft.closeToTray !== values.closeToTray) patch.closeToTray = draft.closeToTray;
  if (draft.launchAtLogin !== values.launchAtLogin) patch.launchAtLogin = draft.launchAtLogin;
  const timeout = parseSeconds(draft.startupTimeoutSec);
  if (timeout !== undefined && timeout !== values.startupTimeoutSec) patch.startupTimeoutSec = timeout;
  const interval = parseSeconds(draft.healthIntervalSec);
  if (interval !== undefined && interval !== values.healthIntervalSec) patch.healthIntervalSec = interval;
  // An environment variable decides the base directory; saving one would silently do nothing.
  const baseDir = draft.baseDir.trim();
  if (state.baseDir.source !== 'env' && baseDir !== '' && baseDir !== savedBaseDir(state)) patch.baseDir = baseDir;
  return patch;
}
