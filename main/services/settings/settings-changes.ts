import { overlaps, type SettingPath } from './settings-merge';

/**
 * Which setting changed at which revision, so a save made against an older revision can tell
 * "someone changed this very field meanwhile" (refuse) from "someone changed something else"
 * (merge). Keeps the latest revision per path; the settings are small, so this stays small.
 */
export class SettingsChanges {
  private readonly latest = new Map<string, { path: SettingPath; revision: number }>();

  /** `firstRevision`: what this process started at; nothing is known about changes before it. */
  constructor(private readonly firstRevision: number) {}

  record(paths: readonly SettingPath[], revision: number): void {
    for (const path of paths) this.latest.set(JSON.stringify(path), { path, revision });
  }

  /**
   * Was anything overlapping `path` changed after `baseRevision`? A base from before this process
   * started (a tab left open across a restart) or from the future (another host's numbering)
   * cannot be checked, so it counts as changed.
   */
  changedSince(path: SettingPath, baseRevision: number, currentRevision: number): boolean {
    if (baseRevision < this.firstRevision || baseRevision > currentRevision) return true;
    for (const change of this.latest.values()) {
      if (change.revision > baseRevision && overlaps(change.path, path)) return true;
    }
    return false;
  }
}
