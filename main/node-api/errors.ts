import type { InstallRun } from '../../shared/install';
import type { ProviderState } from '../../shared/provider';

/**
 * An operation that was accepted but did not succeed: a provider that failed to start (its
 * `state` says why, with the log tail), an install or update that failed (its `run`). Refusals
 * (unknown id, not installed, a custom recipe not confirmed) reject with an `AppFailure` instead:
 * `code`, `message` and a `hint` that says what to do.
 */
export class OperationFailedError extends Error {
  readonly hint?: string;
  readonly state?: ProviderState;
  readonly run?: InstallRun;

  constructor(message: string, detail: { hint?: string; state?: ProviderState; run?: InstallRun }) {
    super(message);
    this.name = 'OperationFailedError';
    this.hint = detail.hint;
    this.state = detail.state;
    this.run = detail.run;
  }
}
