import type { ProviderError } from '../../../shared/provider';
import type { ProviderRecipe } from '../../../shared/recipe';
import { describeExit, type ProcessExit } from './managed-process';

/**
 * When to restart a provider that crashed or hung, and when to give up. Pure: the supervisor
 * keeps the failure times and the crash-loop streak, and asks.
 *
 * A provider that had been serving and then died is restarted at once, as pm2 and systemd do
 * (Restart=on-failure with no RestartSec): waiting only lengthens the outage. Only a crash loop
 * backs off: a life that failed before it was healthy, or within `minUptimeMs` of it (pm2's
 * min_uptime), doubles the delay from `baseDelayMs`; a life that stayed up that long resets it.
 * Whatever the delays, more than `limit` failures within `windowMs` gives up.
 */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more failure gives up. */
  limit: number;
  windowMs: number;
  /** The first delay of a crash loop (1 s), doubling with each quick failure in a row. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Healthy this long before failing: no crash loop (1 s). */
  minUptimeMs?: number;
}

/** The life that just failed. */
export interface FailedLife {
  /** When it became healthy; undefined when it never did. */
  healthyAt?: number;
  /** Quick failures in a row before this one. */
  loopStreak: number;
}

export type RestartDecision =
  { restart: true; delayMs: number; attempt: number; loopStreak: number } | { restart: false; failures: number; loopStreak: number };

export function decideRestart(
  failureTimes: readonly number[],
  now: number,
  policy: RestartPolicy,
  life: FailedLife = { loopStreak: 0 },
): RestartDecision {
  const quick = life.healthyAt === undefined || now - life.healthyAt < (policy.minUptimeMs ?? 1_000);
  const loopStreak = quick ? life.loopStreak + 1 : 0;
  const recent = failureTimes.filter((t) => now - t <= policy.windowMs).length;
  if (recent > policy.limit) return { restart: false, failures: recent, loopStreak };
  const delayMs = loopStreak === 0 ? 0 : Math.min(policy.maxDelayMs ?? 30_000, (policy.baseDelayMs ?? 1_000) * 2 ** (loopStreak - 1));
  return { restart: true, delayMs, attempt: recent, loopStreak };
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
