import type { ProviderRecipe } from '../../../shared/recipe';
import type { ProviderOverride } from '../../../shared/settings';
import type { LogService } from '../logs/logs';
import type { Paths } from '../base-dir/paths';
import type { PlaceholderValues } from '../supervision/placeholders';
import type { NodeLauncher } from '../supervision/started-process';

/** What a step runner gets: where to work, how to log, how to report progress, what it created. */
export interface StepContext {
  recipe: ProviderRecipe;
  override: ProviderOverride;
  paths: Paths;
  dataDir: string;
  configDir: string;
  /** `logs/<id>-install.log` goes through this id. */
  logId: string;
  logs: LogService;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Values for placeholders in build steps and config templates (the default or pinned port). */
  values: PlaceholderValues;
  /** How `{node}` build steps run (the desktop shell's utility processes); spawned when undefined. */
  nodeLauncher?: NodeLauncher;
  action: 'install' | 'update';
  /** Percent (0–100) where the tool tells, and a short detail. */
  progress(percent: number | undefined, detail?: string): void;
  /** Records a path this run created, so a rollback removes it (and only it). */
  created(file: string): Promise<void>;
  /** Remembers a value across a crash (e.g. the commit before an update). */
  remember(key: string, value: string): Promise<void>;
  recall(key: string): string | undefined;
}

/** A step that failed with something the user should see as the reason (exit code, message). */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }
}
