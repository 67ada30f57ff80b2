import type { GatewayUpstreamStats } from '../../../shared/gateway';

const WINDOW = 512;
/** Weight of the newest sample in the moving averages. */
const ALPHA = 0.2;

/**
 * Live counters for one upstream. Updated on every request, so it only adds and overwrites
 * numbers; percentiles are sorted out of the recent window when a snapshot is asked for.
 */
export class UpstreamStats {
  requests = 0;
  errors = 0;
  inFlight = 0;
  /** Moving average of the time to first byte; 0 until measured, so a new upstream is tried first. */
  ttfbMs = 0;
  tokensPerSec = 0;
  /** performance.now() until which the upstream sits out after a failure. */
  coolingDownUntil = 0;
  lastError: string | undefined;
  private readonly latencies = new Float64Array(WINDOW);
  private latencyCount = 0;

  constructor(readonly providerId: string) {}

  begin(): void {
    this.requests++;
    this.inFlight++;
  }

  firstByte(ms: number): void {
    this.ttfbMs = this.ttfbMs === 0 ? ms : this.ttfbMs + ALPHA * (ms - this.ttfbMs);
  }

  /** The response ended as it should: its whole latency, and its completion tokens when known. */
  succeeded(ms: number, completionTokens?: number): void {
    this.inFlight--;
    this.latencies[this.latencyCount++ % WINDOW] = ms;
    if (completionTokens && ms > 0) {
      const rate = (completionTokens * 1000) / ms;
      this.tokensPerSec = this.tokensPerSec === 0 ? rate : this.tokensPerSec + ALPHA * (rate - this.tokensPerSec);
    }
  }

  failed(reason: string, cooldownUntil?: number): void {
    this.inFlight--;
    this.errors++;
    this.lastError = reason;
    if (cooldownUntil !== undefined) this.coolingDownUntil = cooldownUntil;
  }

  /** The client went away: not the upstream's fault. */
  abandoned(): void {
    this.inFlight--;
  }

  /** `now` is performance.now() and `wallNow` Date.now() at the same moment, to date the cool-down. */
  snapshot(now: number, wallNow: number): GatewayUpstreamStats {
    const count = Math.min(this.latencyCount, WINDOW);
    const sorted = this.latencies.slice(0, count).sort();
    const at = (q: number) => round(sorted[Math.min(count - 1, Math.floor(q * count))]!);
    return {
      providerId: this.providerId,
      requests: this.requests,
      errors: this.errors,
      inFlight: this.inFlight,
      ...(count > 0 ? { p50Ms: at(0.5), p95Ms: at(0.95) } : {}),
      ...(this.ttfbMs > 0 ? { ttfbMs: round(this.ttfbMs) } : {}),
      ...(this.tokensPerSec > 0 ? { tokensPerSec: round(this.tokensPerSec) } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.coolingDownUntil > now ? { coolingDownUntil: new Date(wallNow + this.coolingDownUntil - now).toISOString() } : {}),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Finds `completion_tokens` in the tail of a response (the usage block comes last). */
export function completionTokensIn(tail: string): number | undefined {
  const match = /"completion_tokens"\s*:\s*(\d+)/.exec(tail);
  return match ? Number(match[1]) : undefined;
}
