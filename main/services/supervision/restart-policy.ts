import type { ProviderError } from '../../../shared/provider';
import type { ProviderRecipe } from '../../../shared/recipe';
import { describeExit, type ProcessExit } from './managed-process';

/**
 * When to restart a provider that crashed or hung, and when to give up. Pure: the supervisor
 * keeps the failure times and asks.
 */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more failure gives up. */
  limit: number;
  windowMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; failures: number };

export function decideRestart(failureTimes: readonly number[], now: number, policy: RestartPolicy): RestartDecision {
  const recent = failureTimes.filter((t) => now - t <= policy.windowMs).length;
  if (recent > policy.limit) return { restart: false, failures: recent };
  const base = policy.baseDelayMs ?? 1_000;
  const delayMs = Math.min(policy.maxDelayMs ?? 30_000, base * 2 ** Math.max(0, recent - 1));
  return { restart: true, delayMs, attempt: recent };
}

/**
 * What a process's exit means for its provider: undefined when it is no failure (a launcher of an
 * external app, `lms server start`, exits 0 once the app serves); otherwise the error to show and
 * whether restarting could help. A program that cannot be found, or an exit code the recipe calls
 * fatal (a misconfiguration), is never retried; its last stderr line says why.
 */
export function exitFailure(
  recipe: Pick<ProviderRecipe, 'stop' | 'fatalExitCodes'>,
  processName: string,
  exit: ProcessExit,
  lastStderrLine: () => string | undefined,
): { error: ProviderError; retry: boolean } | undefined {
  if (recipe.stop && exit.code === 0) return undefined;
  const what = `${processName} ${describeExit(exit)}`;
  const fatal = exit.spawnError !== undefined || (exit.code !== null && recipe.fatalExitCodes.includes(exit.code));
  const lastError = fatal ? lastStderrLine() : undefined;
  return {
    error: {
      message: lastError ? `${what}: ${lastError}` : what,
      hint: exit.spawnError
        ? 'Install the program, or fix the start command of this provider.'
        : fatal
          ? 'Fix the configuration named above; restarting would not help.'
          : 'The log below shows what it printed before it stopped.',
    },
    retry: !fatal,
  };
}
