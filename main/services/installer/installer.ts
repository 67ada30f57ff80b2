import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppFailure } from '../../../shared/errors';
import { installLogId, type InstallAction, type InstallRun } from '../../../shared/install';
import type { ProviderRecipe } from '../../../shared/recipe';
import type { ProviderOverride } from '../../../shared/settings';
import type { LogService } from '../logs/logs';
import { DISK_FULL_OUTPUT, freeSpaceWords, isDiskFull } from '../os/disk-space';
import { killGroupsNow } from '../os/process-tree';
import { selfIdentity } from '../os/process-identity';
import type { Paths } from '../base-dir/paths';
import { placeholderValues } from '../supervision/placeholder-values';
import type { NodeLauncher } from '../supervision/started-process';
import { isInstalled, writeInstallMarker } from './install-state';
import { busyRefusal } from './busy-refusal';
import { JournalStore, queuedJournal, type Journal } from './journal';
import { recordedStep, recoverJournals } from './journal-recovery';
import { planInstall, type MachineForPlan, type PlannedStep } from './plan';
import { undoRun } from './rollback';
import { runStep } from './run-step';
import { StepFailure, type StepContext } from './step-context';
import { removeInstalled } from './uninstall';

const LOG_TAIL = 30;
const PROGRESS_EVERY_MS = 200;

export interface InstallerDeps {
  paths: Paths;
  logs: LogService;
  recipe(id: string): ProviderRecipe;
  override(id: string): ProviderOverride;
  machine(): Promise<MachineForPlan>;
  /** True while the supervisor runs the provider: installs and uninstalls wait for it to stop. */
  isActive(id: string): boolean;
  env?: NodeJS.ProcessEnv;
  /** How `{node}` build steps run: the desktop shell's utility processes (see SupervisorDeps.nodeLauncher). */
  nodeLauncher?: NodeLauncher;
}

interface Entry {
  journal: Journal;
  abort?: AbortController;
  done?: Promise<void>;
  lastEmit: number;
  /** A throttled progress tick waiting to go out. */
  pending?: NodeJS.Timeout;
}

/**
 * Installs, updates and uninstalls providers from their recipes: one run at a time, each step
 * journalled, its output in logs/<id>-install.log, cancellable (the step's process tree dies),
 * rolled back when it fails, resumable when the app died under it. A provider is marked installed
 * (the marker file in its data folder) only after every step finished.
 */
export class Installer extends EventEmitter<{ run: [InstallRun] }> {
  private readonly entries = new Map<string, Entry>();
  private readonly journals: JournalStore;
  private queue: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly deps: InstallerDeps) {
    super();
    this.journals = new JournalStore(path.join(deps.paths.cache, 'install'));
  }

  /** Runs a previous session left unfinished become `interrupted`: resume or roll back. */
  async restore(): Promise<void> {
    await mkdir(path.join(this.deps.paths.cache, 'install'), { recursive: true });
    for (const journal of await recoverJournals(this.journals)) this.entries.set(journal.run.providerId, { journal, lastEmit: -Infinity });
  }

  list(): InstallRun[] {
    return [...this.entries.values()].map((e) => e.journal.run);
  }

  get(id: string): InstallRun | undefined {
    return this.entries.get(id)?.journal.run;
  }

  isBusy(id: string): boolean {
    const status = this.get(id)?.status;
    return status === 'queued' || status === 'running';
  }

  /** Queues installs (the spec's "install only vLLM and LocalAI"); each runs after the one before. */
  async install(ids: string[]): Promise<InstallRun[]> {
    const machine = await this.deps.machine();
    // An id given twice (or an alias beside its recipe's id) is one install.
    const unique = [...new Map(ids.map((id) => [this.deps.recipe(id).id, id])).keys()];
    const planned = unique.map((id) => {
      const recipe = this.deps.recipe(id);
      this.refuseWhileBusy(recipe);
      return { recipe, steps: planInstall(recipe, this.deps.override(recipe.id), machine, 'install') };
    });
    return planned.map(({ recipe, steps }) => this.enqueue(recipe, 'install', steps));
  }

  /** Fetches and checks out the pinned (or configured) version and rebuilds; config is kept. */
  async update(id: string): Promise<InstallRun> {
    const recipe = this.deps.recipe(id);
    this.refuseWhileBusy(recipe);
    if (!(await isInstalled(recipe, { dataDir: this.dataDir(recipe.id), env: this.deps.env }))) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} is not installed, so there is nothing to update.`,
        hint: 'Install it instead.',
      });
    }
    return this.enqueue(recipe, 'update', planInstall(recipe, this.deps.override(recipe.id), await this.deps.machine(), 'update'));
  }

  /** Continues an interrupted run from its first unfinished step. */
  async resume(id: string): Promise<InstallRun> {
    const entry = this.entries.get(id);
    if (entry?.journal.run.status !== 'interrupted') {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `There is no interrupted install of ${id} to resume.`,
        hint: 'Start a new install instead.',
      });
    }
    const recipe = this.deps.recipe(id);
    const steps = planInstall(recipe, this.deps.override(id), await this.deps.machine(), entry.journal.run.action);
    const known = new Map(entry.journal.run.steps.map((s) => [s.id, s.status]));
    if (steps.some((s) => !known.has(s.id))) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `The install plan of ${recipe.name} changed since the install was interrupted (recipe or settings).`,
        hint: 'Roll it back, then install again.',
      });
    }
    this.patchRun(entry, { status: 'queued' });
    this.schedule(entry, recipe, steps);
    return entry.journal.run;
  }

  /** Removes what an interrupted (or cancelled-by-crash) run created. */
  async rollback(id: string): Promise<InstallRun> {
    const entry = this.entries.get(id);
    if (!entry || this.isBusy(id) || entry.journal.run.status === 'done' || entry.journal.run.status === 'rolled-back') {
      throw new AppFailure({ code: 'CONFLICT', message: `There is no unfinished install of ${id} to roll back.`, hint: 'Nothing to do.' });
    }
    await this.undo(entry);
    await this.journals.remove(id);
    this.patchRun(entry, { status: 'rolled-back' });
    return entry.journal.run;
  }

  async cancel(id: string): Promise<InstallRun> {
    const entry = this.entries.get(id);
    if (!entry || !this.isBusy(id))
      throw new AppFailure({ code: 'CONFLICT', message: `${id} is not being installed.`, hint: 'Nothing to cancel.' });
    if (entry.journal.run.status === 'queued') {
      // Not started: it leaves the queue now, without waiting for the installs before it.
      entry.abort?.abort(new Error('cancelled by the user'));
      await this.journals.remove(id);
      this.patchRun(entry, { status: 'cancelled' });
      return entry.journal.run;
    }
    entry.abort?.abort(new Error('cancelled by the user'));
    await entry.done;
    return entry.journal.run;
  }

  /** Removes data/<id> and its start script; its config too unless kept. */
  async uninstall(id: string, options: { keepConfig: boolean }): Promise<{ removed: string[] }> {
    const recipe = this.deps.recipe(id);
    this.refuseWhileBusy(recipe);
    if (['external', 'none', 'builtin'].includes(recipe.install.strategy)) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} was not installed by Local LLM Manager.`,
        hint: 'Uninstall it the way it was installed.',
      });
    }
    const targets = await removeInstalled(this.deps.paths, id, options);
    this.deps.logs.system(
      installLogId(id),
      `uninstalled: removed ${targets.join(', ') || 'nothing'}${options.keepConfig ? '; config kept' : ''}`,
    );
    this.entries.delete(id);
    await this.journals.remove(id);
    return { removed: targets };
  }

  /** Synchronous last resort at exit: the process group of every step running now is killed. */
  killAllNow(): void {
    for (const entry of this.entries.values()) {
      if (!entry.abort) continue;
      const step = recordedStep(entry.journal);
      if (step) killGroupsNow([step.pid]);
    }
  }

  /** Quitting: stop what runs and leave its journal, so the next start offers resume or rollback. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.entries.values()].map((e) => (e.abort?.abort(new Error('the app is quitting')), e.done)));
  }

  private refuseWhileBusy(recipe: ProviderRecipe): void {
    const refusal = busyRefusal(recipe, {
      busy: this.isBusy(recipe.id),
      interrupted: this.get(recipe.id)?.status === 'interrupted',
      running: this.deps.isActive(recipe.id),
    });
    if (refusal) throw refusal;
  }

  private enqueue(recipe: ProviderRecipe, action: InstallAction, steps: PlannedStep[]): InstallRun {
    const entry: Entry = {
      journal: queuedJournal(recipe.id, action, steps, {
        logFile: this.deps.logs.fileOf(installLogId(recipe.id)),
        version: this.deps.override(recipe.id).install?.version ?? recipe.version,
      }),
      lastEmit: -Infinity,
    };
    this.entries.set(recipe.id, entry);
    // Queued installs are journalled too: a crash before their turn offers them again.
    this.journals
      .save(entry.journal)
      .catch((error: Error) => this.deps.logs.system(installLogId(recipe.id), `could not write the install journal: ${error.message}`));
    this.emit('run', entry.journal.run);
    this.schedule(entry, recipe, steps);
    return entry.journal.run;
  }

  private schedule(entry: Entry, recipe: ProviderRecipe, steps: PlannedStep[]): void {
    entry.abort = new AbortController();
    const signal = entry.abort.signal;
    const done = this.queue.then(() => (signal.aborted ? this.finishAborted(entry, recipe) : this.execute(entry, recipe, steps, signal)));
    entry.done = done;
    this.queue = done.catch(() => undefined);
  }

  private async execute(entry: Entry, recipe: ProviderRecipe, steps: PlannedStep[], signal: AbortSignal): Promise<void> {
    const { journal } = entry;
    const logId = installLogId(recipe.id);
    this.patchRun(entry, { status: 'running' });
    this.deps.logs.system(
      logId,
      `${journal.run.action} of ${recipe.name}${journal.run.version ? ` ${journal.run.version}` : ''}: ${steps.length} steps`,
    );
    const ctx = this.context(entry, recipe, signal);
    journal.memory.owner = JSON.stringify(await selfIdentity());
    try {
      await this.journals.save(journal);
      if (journal.run.action === 'install') {
        await ctx.created(ctx.dataDir);
        await mkdir(ctx.dataDir, { recursive: true });
      }
      for (const [index, step] of steps.entries()) {
        const state = journal.run.steps[index]!;
        if (state.status === 'done') continue;
        this.patchRun(entry, { current: index });
        this.setStep(entry, index, { status: 'running', percent: undefined, detail: undefined });
        await this.journals.save(journal);
        this.deps.logs.system(logId, `step ${index + 1} of ${steps.length}: ${step.title}`);
        await runStep(ctx, step);
        this.setStep(entry, index, { status: 'done', percent: 100, detail: undefined });
        await this.journals.save(journal);
      }
      await writeInstallMarker(this.dataDir(recipe.id), { version: journal.run.version, action: journal.run.action });
      this.deps.logs.system(logId, `${journal.run.action} finished`);
      // The journal goes before the status says so: whoever sees "done" sees no journal.
      await this.journals.remove(recipe.id);
      this.patchRun(entry, { status: 'done' });
    } catch (error) {
      await this.fail(entry, recipe, error, signal);
    } finally {
      entry.abort = undefined;
    }
  }

  private async fail(entry: Entry, recipe: ProviderRecipe, error: unknown, signal: AbortSignal): Promise<void> {
    const { journal } = entry;
    const logId = installLogId(recipe.id);
    const index = journal.run.current;
    if (this.closing) {
      // Left as it is: the journal says "running", which the next start reads as interrupted.
      this.setStep(entry, index, { status: 'pending' });
      this.patchRun(entry, { status: 'interrupted' });
      return;
    }
    if (signal.aborted) {
      this.setStep(entry, index, { status: 'cancelled' });
      this.deps.logs.system(logId, `cancelled during "${journal.run.steps[index]?.title}"; rolling back`);
      const leftover = await this.cleanUp(entry, recipe);
      this.patchRun(entry, { status: 'cancelled', ...(leftover ? { failure: { step: 'Rollback', message: leftover, logTail: [] } } : {}) });
      return;
    }
    const step = journal.run.steps[index];
    const message = error instanceof Error ? error.message : String(error);
    this.deps.logs.system(logId, `failed: ${message}`);
    this.setStep(entry, index, { status: 'failed' });
    const logTail = this.deps.logs.tail(logId, LOG_TAIL).map((l) => l.text);
    const leftover = await this.cleanUp(entry, recipe);
    // A full disk reads as "exited with code 1" otherwise, the reason buried in the log.
    const diskFull =
      isDiskFull(error) || logTail.some((line) => DISK_FULL_OUTPUT.test(line))
        ? `The disk filled up ("No space left on device"); after the rollback ${await freeSpaceWords(this.deps.paths.data)}. Free some space${recipe.installEstimate ? ` (the install needs about ${recipe.installEstimate.diskGiB} GB)` : ''}, then install again.`
        : undefined;
    this.patchRun(entry, {
      status: 'failed',
      failure: {
        step: step?.title ?? 'preparing',
        exitCode: error instanceof StepFailure ? error.exitCode : undefined,
        message: [message, diskFull, leftover].filter(Boolean).join(' '),
        logTail,
      },
    });
  }

  private async finishAborted(entry: Entry, recipe: ProviderRecipe): Promise<void> {
    if (entry.journal.run.status === 'cancelled') return;
    // Quitting leaves a queued install's journal, so the next start offers it again.
    if (this.closing) return this.patchRun(entry, { status: 'interrupted' });
    await this.journals.remove(recipe.id);
    this.patchRun(entry, { status: 'cancelled' });
  }

  /**
   * Rollback and journal removal after a failed or cancelled run. Whatever goes wrong here, the
   * run still ends (never stuck as running); what could not be removed is said, not thrown.
   */
  private async cleanUp(entry: Entry, recipe: ProviderRecipe): Promise<string | undefined> {
    try {
      await this.undo(entry);
      await this.journals.remove(recipe.id);
      return undefined;
    } catch (error) {
      const text = `The rollback did not finish: ${(error as Error).message}. Remove what is left by hand, or use Clean up.`;
      this.deps.logs.system(installLogId(recipe.id), text);
      return text;
    }
  }

  /** Rollback: what this run created goes, newest first; an update gets its old commit back. */
  private undo(entry: Entry): Promise<void> {
    return undoRun(entry.journal, this.dataDir(entry.journal.run.providerId), this.deps.logs);
  }

  private context(entry: Entry, recipe: ProviderRecipe, signal: AbortSignal): StepContext {
    const { paths } = this.deps;
    const override = this.deps.override(recipe.id);
    // The same builder as the supervisor's: the start script gets the {model} the app would pass.
    const values = placeholderValues({
      paths,
      recipe,
      host: '127.0.0.1',
      port: override.port ?? recipe.defaultPort,
      extraPorts: recipe.extraPorts,
      model: override.model,
    });
    return {
      recipe,
      override,
      paths,
      dataDir: values.dataDir,
      configDir: values.configDir,
      logId: installLogId(recipe.id),
      logs: this.deps.logs,
      signal,
      env: this.deps.env ?? process.env,
      values,
      ...(this.deps.nodeLauncher ? { nodeLauncher: this.deps.nodeLauncher } : {}),
      action: entry.journal.run.action,
      progress: (percent, detail) => this.setStep(entry, entry.journal.run.current, { percent, detail }),
      created: async (file) => {
        if (existsSync(file) || entry.journal.created.includes(file)) return;
        entry.journal.created.push(file);
        await this.journals.save(entry.journal);
      },
      remember: async (key, value) => {
        entry.journal.memory[key] = value;
        await this.journals.save(entry.journal);
      },
      recall: (key) => entry.journal.memory[key],
    };
  }

  private dataDir(id: string): string {
    return path.join(this.deps.paths.data, id);
  }

  private setStep(entry: Entry, index: number, patch: Partial<InstallRun['steps'][number]>): void {
    const steps = entry.journal.run.steps;
    if (!steps[index]) return;
    steps[index] = { ...steps[index], ...patch };
    for (const key of Object.keys(steps[index]) as Array<keyof (typeof steps)[number]>)
      if (steps[index][key] === undefined) delete steps[index][key];
    // Progress ticks are throttled (the latest goes out at the end of the window); status changes go out at once.
    const wait = PROGRESS_EVERY_MS - (performance.now() - entry.lastEmit);
    if (patch.status || wait <= 0) this.patchRun(entry, {});
    else entry.pending ??= setTimeout(() => this.patchRun(entry, {}), wait);
  }

  private patchRun(entry: Entry, patch: Partial<InstallRun>): void {
    clearTimeout(entry.pending);
    entry.pending = undefined;
    entry.journal.run = { ...entry.journal.run, ...patch, steps: [...entry.journal.run.steps], updatedAt: new Date().toISOString() };
    entry.lastEmit = performance.now();
    this.emit('run', entry.journal.run);
  }
}
