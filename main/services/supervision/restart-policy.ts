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
