import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import {
  BUILT_IN_DEFAULTS,
  SettingsPatchSchema,
  SettingsSchema,
  type SettingKey,
  type SettingSource,
  type Settings,
  type SettingsPatch,
  type SettingsProblem,
  type SettingsState,
} from '../../../shared/settings';
import { keepAside } from '../os/keep-aside';
import { expandHome, saveBaseDir, type BaseDirChoice } from '../base-dir/paths';
import { whyUnusableDir } from '../base-dir/unusable-dir';
import { planAdoption } from './settings-adoption';
import { SettingsChanges } from './settings-changes';
import { readEnvDefaults } from './settings-env';
import { readSettingsFile, type SettingsFileRead } from './settings-file';
import { HAND_EDIT_SETTLE_MS, HandEditWatcher } from './settings-watcher';
import { applyMergePatch, changedPaths, formatPath, mergePatchBetween, patchPaths, valueAt, type SettingPath } from './settings-merge';
import { storedForm, type StoredSettings } from './settings-stored';

export { readEnvDefaults } from './settings-env';

const KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

/** Problems kept for the Settings page; a file edited badly over and over must not grow this forever. */
const MAX_PROBLEMS = 20;

export interface SettingsServiceOptions {
  file: string;
  env: NodeJS.ProcessEnv;
  baseDir: BaseDirChoice;
  /** Where a new base directory choice is saved (see paths.resolveBaseDir). */
  locationFile: string;
  /**
   * Opened to read only (the CLI's `settings` beside a running host, or with none): a bad file is
   * reported but left where it is, for the host that owns the folder to keep aside.
   */
  readOnly?: boolean;
}

/**
 * Effective settings = saved value ?? environment variable ?? built-in default. Only the values
 * a user saved are written to the file, so the spec's environment variables keep working for
 * everything the user has not changed.
 *
 * Every change (a client's patch, a host-side edit, a hand edit of the file picked up) runs in
 * one queue, against the file as it is on disk at that moment, and raises `revision`. A patch
 * merges field by field (see MergePatch), so clients that change different things never undo
 * each other; one that names the revision it was made against is refused (CONFLICT) where it
 * would overwrite a field changed since then.
 */
export class SettingsService extends EventEmitter<{ changed: [SettingsState] }> {
  /** The saved settings as they apply (defaults filled in)... */
  private saved: Partial<Settings> = {};
  /** ...and as settings.json holds them: only the fields named there, so unnamed ones follow the defaults. */
  private stored: StoredSettings = {};
  private envDefaults: Partial<Settings> = {};
  private problems: SettingsProblem[] = [];
  private pendingBaseDir?: string;
  private queue: Promise<unknown> = Promise.resolve();
  /** settings.json's text as we last wrote or read it (undefined: no file): anything else is a hand edit. */
  private knownText?: string;
  /**
   * Starts at the clock, not 0, so a revision a browser tab kept from before a restart is older
   * than any of this process's and cannot be mistaken for one of them.
   */
  private revision = Date.now();
  private readonly changes = new SettingsChanges(this.revision);
  private watcher?: HandEditWatcher;

  private constructor(private readonly options: SettingsServiceOptions) {
    super();
  }

  static async load(options: SettingsServiceOptions): Promise<SettingsService> {
    const service = new SettingsService(options);
    service.problems.push(...options.baseDir.problems);
    service.envDefaults = readEnvDefaults(options.env, service.problems);
    await service.adopt(await readSettingsFile(options.file), 'load');
    return service;
  }

  get values(): Settings {
    return this.effective();
  }

  state(): SettingsState {
    const values = this.effective();
    const sources = {} as Record<SettingKey, SettingSource>;
    for (const key of KEYS) {
      sources[key] = this.saved[key] !== undefined ? 'saved' : this.envDefaults[key] !== undefined ? 'env' : 'default';
    }
    const { baseDir } = this.options;
    const pending = this.pendingBaseDir;
    return {
      values,
      sources,
      file: this.options.file,
      baseDir: { path: baseDir.path, source: baseDir.source, ...(pending && pending !== baseDir.path ? { pending } : {}) },
      problems: [...this.problems],
      revision: this.revision,
    };
  }

  /** Saves atomically; concurrent updates from several clients apply one after another. */
  update(patch: SettingsPatch): Promise<SettingsState> {
    return this.enqueue(() => this.apply(patch));
  }

  /**
   * A change the host computes from the values in effect (the gateway's patch, an endpoint added
   * or removed): `change` runs inside the queue against the latest values, so it cannot undo a
   * save or a hand edit it did not see. The keys it returns replace the values in effect whole;
   * the file gets only the fields that changed.
   */
  edit(change: (values: Settings) => Partial<Settings>): Promise<SettingsState> {
    return this.enqueue(() =>
      this.afterSync(async () => {
        const current = this.effective();
        const next: Partial<Settings> = { ...this.saved };
        const stored: StoredSettings = { ...this.stored };
        for (const [name, value] of Object.entries(change(current))) {
          const key = name as SettingKey;
          if (value === undefined) continue;
          const checked = checkValue(key, value);
          if (isDeepStrictEqual(checked, current[key])) continue;
          setSaved(next, key, checked);
          stored[key] = storedForm(key, checked, applyMergePatch(this.stored[key], mergePatchBetween(current[key], checked)));
        }
        await this.save(next, stored);
        return this.announce();
      }),
    );
  }

  /** Follows hand edits of settings.json while the app runs. */
  async watch(): Promise<void> {
    if (this.watcher) return;
    const file = this.options.file;
    const hint = 'Edits made to the file by hand apply at the next start (or with the next save here).';
    const watcher = new HandEditWatcher(file, {
      settled: () => this.pickUpHandEdit(),
      failed: (error) => {
        this.watcher = undefined;
        this.report({ message: `Stopped following changes to ${file}: ${error.message}`, hint, origin: file });
      },
    });
    try {
      await watcher.start();
      this.watcher = watcher;
    } catch (error) {
      this.report({ message: `Cannot follow changes to ${file}: ${(error as Error).message}`, hint, origin: file });
    }
  }

  /** Stops following the file and waits for changes already queued. */
  async close(): Promise<void> {
    this.watcher?.stop();
    this.watcher = undefined;
    await this.queue;
  }

  private pickUpHandEdit(): void {
    void this.enqueue(async () => {
      try {
        if (await this.sync()) this.announce();
      } catch (error) {
        this.report({
          message: `Could not pick up the change to ${this.options.file}: ${(error as Error).message}`,
          hint: 'The previous settings stay in effect; check the file and its folder.',
          origin: this.options.file,
        });
        this.announce();
      }
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private announce(): SettingsState {
    const state = this.state();
    this.emit('changed', state);
    return state;
  }

  private async apply(patch: SettingsPatch): Promise<SettingsState> {
    // The contract checks what arrives over the wire; callers inside the host (CLI, tray, other
    // services) get the same check here, so nothing unchecked reaches the file.
    const checked = SettingsPatchSchema.safeParse(patch);
    if (!checked.success) {
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `Settings not saved: ${checked.error.issues.map((i) => `${i.path.join('.') || 'settings'} ${i.message}`).join('; ')}.`,
        hint: 'Fix the value named and save again; nothing was changed.',
      });
    }
    return this.afterSync(() => this.merge(checked.data));
  }

  /**
   * Runs a change after taking in a hand edit saved since the last look (the change must not
   * undo it). A hand edit taken in is announced even when the change itself is refused.
   */
  private async afterSync(change: () => Promise<SettingsState>): Promise<SettingsState> {
    const pickedUp = await this.sync();
    try {
      return await change();
    } catch (error) {
      if (pickedUp) this.announce();
      throw error;
    }
  }

  private async merge(patch: SettingsPatch): Promise<SettingsState> {
    const { baseDir, baseRevision, ...changes } = patch;
    const current = this.effective();
    const next: Partial<Settings> = { ...this.saved };
    const stored: StoredSettings = { ...this.stored };
    const conflicts: SettingPath[] = [];
    const changedSince = (where: SettingPath) =>
      baseRevision !== undefined && this.changes.changedSince(where, baseRevision, this.revision);
    for (const [key, change] of Object.entries(changes) as [SettingKey, unknown][]) {
      if (change === undefined) continue;
      const merged = applyMergePatch(current[key], change);
      for (const where of patchPaths(change, [key])) {
        // Writing what is already there undoes nothing, whoever wrote it.
        const differs = !isDeepStrictEqual(valueAt({ [key]: merged }, where), valueAt(current, where));
        if (differs && changedSince(where)) conflicts.push(where);
      }
      const checked = checkValue(key, merged);
      setSaved(next, key, checked);
      stored[key] = storedForm(key, checked, applyMergePatch(this.stored[key], change));
    }
    const resolvedBaseDir = baseDir === undefined ? undefined : path.resolve(expandHome(baseDir));
    if (
      resolvedBaseDir !== undefined &&
      resolvedBaseDir !== (this.pendingBaseDir ?? this.options.baseDir.path) &&
      changedSince(['baseDir'])
    ) {
      conflicts.push(['baseDir']);
    }
    if (conflicts.length > 0) {
      const names = conflicts.map(formatPath);
      throw new AppFailure({
        code: 'CONFLICT',
        message: `Not saved: ${names.join(', ')} changed since this page read the settings (saved from another window, or the file was edited).`,
        hint: 'Reload; your change was not saved. The settings now hold the other change.',
        details: { keys: names, revision: this.revision },
      });
    }

    let baseDirChanged = false;
    if (resolvedBaseDir !== undefined) {
      if (this.options.baseDir.source === 'env') {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `The base directory is set by the environment variable HELIX_LOCAL_LLM_DIR (${this.options.baseDir.path}).`,
          hint: 'Unset HELIX_LOCAL_LLM_DIR and restart to choose the base directory here.',
        });
      }
      const unusable = await whyUnusableDir(resolvedBaseDir);
      if (unusable)
        throw new AppFailure({
          code: 'BAD_REQUEST',
          message: `${resolvedBaseDir} cannot be the base directory: ${unusable}.`,
          hint: 'Choose a folder this app may write in, or a new folder inside one; nothing was saved.',
        });
      await writeOrFail(() => saveBaseDir(this.options.locationFile, resolvedBaseDir), this.options.locationFile);
      baseDirChanged = resolvedBaseDir !== (this.pendingBaseDir ?? this.options.baseDir.path);
      this.pendingBaseDir = resolvedBaseDir;
    }
    await this.save(next, stored, baseDirChanged ? [['baseDir']] : []);
    return this.announce();
  }

  /** Writes `stored` when it differs from what is saved, then puts `next` in effect. */
  private async save(next: Partial<Settings>, stored: StoredSettings, otherChanges: SettingPath[] = []): Promise<void> {
    if (!isDeepStrictEqual(stored, this.stored) || !isDeepStrictEqual(next, this.saved)) await this.write(stored);
    this.take(next, stored, otherChanges);
  }

  private async write(stored: StoredSettings): Promise<void> {
    const text = `${JSON.stringify(stored, null, 2)}\n`;
    await writeOrFail(async () => {
      await mkdir(path.dirname(this.options.file), { recursive: true });
      await writeFileAtomic(this.options.file, text, { encoding: 'utf8' });
    }, this.options.file);
    this.knownText = text;
  }

  /** Puts saved values in effect; a change to anything in effect raises the revision. */
  private take(next: Partial<Settings>, stored: StoredSettings, otherChanges: SettingPath[] = []): void {
    const before = this.effective();
    const savedBefore = this.saved;
    this.saved = next;
    this.stored = stored;
    const paths = [...changedPaths(before, this.effective()), ...otherChanges];
    if (paths.length === 0 && isDeepStrictEqual(savedBefore, next)) return;
    this.revision += 1;
    this.changes.record(paths, this.revision);
  }

  /**
   * Reads the file and takes in whatever changed there since we last wrote or read it. Returns
   * whether anything in the state changed (values, or a problem reported).
   */
  private async sync(): Promise<boolean> {
    let read = await readSettingsFile(this.options.file);
    if (this.isKnown(read)) return false;
    if (read.kind === 'missing' || read.kind === 'unusable') {
      // Caught half way through an editor's save (truncated, or renamed away): look again once
      // it had time to finish before calling the file broken or gone.
      await delay(HAND_EDIT_SETTLE_MS);
      read = await readSettingsFile(this.options.file);
      if (this.isKnown(read)) return false;
    }
    const before = { revision: this.revision, problems: this.problems.length };
    await this.adopt(read, 'edit');
    return this.revision !== before.revision || this.problems.length !== before.problems;
  }

  private isKnown(read: SettingsFileRead): boolean {
    if (read.kind === 'missing') return this.knownText === undefined;
    return 'text' in read && read.text !== undefined && read.text === this.knownText;
  }

  /** Takes in what the file holds, at start or after a hand edit (what that means: planAdoption). */
  private async adopt(read: SettingsFileRead, when: 'load' | 'edit'): Promise<void> {
    const file = this.options.file;
    const adoption = planAdoption(read, { when, file, readOnly: this.options.readOnly === true, saved: this.saved });
    let problem = adoption.problem;
    const named = read.kind === 'read' ? read.named : {};
    if (adoption.keepAside) problem = adoption.keepAside(await keepAside(file));
    if (adoption.write) await this.write(this.storedFrom(adoption.write, named));
    if (adoption.forget) this.knownText = undefined;
    if (adoption.known !== undefined) this.knownText = adoption.known;
    if (adoption.take) this.take(adoption.take, this.storedFrom(adoption.take, named));
    if (problem) this.report(problem);
  }

  /** How `values` go in the file: as `named` there, or as stored now where a value stays the one in effect. */
  private storedFrom(values: Partial<Settings>, named: StoredSettings): StoredSettings {
    const stored: StoredSettings = {};
    for (const key of Object.keys(values) as SettingKey[]) {
      const value = values[key];
      if (value === undefined) continue;
      if (Object.hasOwn(named, key)) stored[key] = storedForm(key, value, named[key]);
      else stored[key] = value === this.saved[key] ? this.stored[key] : value;
    }
    return stored;
  }

  private report(problem: SettingsProblem): void {
    if (this.problems.some((p) => p.message === problem.message && p.hint === problem.hint)) return;
    this.problems.push(problem);
    if (this.problems.length > MAX_PROBLEMS) this.problems.splice(0, this.problems.length - MAX_PROBLEMS);
  }

  private effective(): Settings {
    const values = { ...BUILT_IN_DEFAULTS };
    for (const key of KEYS) {
      const value = this.saved[key] ?? this.envDefaults[key] ?? BUILT_IN_DEFAULTS[key];
      (values as Record<SettingKey, unknown>)[key] = value;
    }
    return values;
  }
}

/** One setting's whole new value, checked as the file's would be. */
function checkValue(key: SettingKey, value: unknown): unknown {
  const parsed = (SettingsSchema.shape[key] as z.ZodType).safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppFailure({
    code: 'BAD_REQUEST',
    message: `Settings not saved: ${parsed.error.issues.map((i) => `${[key, ...i.path.map(String)].join('.')} ${i.message}`).join('; ')}.`,
    hint: 'Fix the value named and save again; nothing was changed.',
  });
}

function setSaved(target: Partial<Settings>, key: SettingKey, value: unknown): void {
  (target as Record<SettingKey, unknown>)[key] = value;
}

async function writeOrFail(write: () => Promise<void>, file: string): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Could not save ${file}: ${(error as Error).message}`,
      hint: 'Check that the folder exists and is writable; nothing was changed.',
    });
  }
}
