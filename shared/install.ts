/** Install, update and uninstall runs of providers, as the UI and the CLI see them. */

export type InstallAction = 'install' | 'update';

export type InstallStepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface InstallStepState {
  /** Stable within a plan: `clone`, `venv`, `packages`, `download`, `build-0`, `configure`, … */
  id: string;
  title: string;
  status: InstallStepStatus;
  /** 0–100 where the tool reports it (git, downloads, cmake/make builds). */
  percent?: number;
  /** A short live detail: "Receiving objects", "12.3 MB of 40 MB". */
  detail?: string;
}

/**
 * `interrupted`: the app stopped (killed, rebooted) while it ran; the journal offers resume or
 * rollback. `rolled-back`: a failed, cancelled or interrupted run whose traces were removed.
 */
export type InstallRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted' | 'rolled-back';

export interface InstallFailure {
  /** The step's title. */
  step: string;
  exitCode?: number;
  message: string;
  /** The last lines of the install log (30). */
  logTail: string[];
}

export interface InstallRun {
  providerId: string;
  action: InstallAction;
  status: InstallRunStatus;
  steps: InstallStepState[];
  /** Index of the step running (or that stopped the run). */
  current: number;
  startedAt: string;
  updatedAt: string;
  /** `logs/<id>-install.log`. */
  logFile: string;
  /** The version being installed (the recipe's pin, or the one set in settings). */
  version?: string;
  failure?: InstallFailure;
}

export interface CleanupReport {
  freedBytes: number;
  removed: Array<{ path: string; bytes: number; why: string }>;
}

/** The log id of a provider's install output (`logs/<id>-install.log`). */
export const installLogId = (providerId: string) => `${providerId}-install`;
